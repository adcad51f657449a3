"""Signing up, in and out, and resetting a forgotten password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "a-new-long-passphrase"


def sign_up_data(**changes):
    data = {
        "username": "dana",
        "email": "dana@example.com",
        "display_name": "Dana Scully",
        "password1": "trust-no-one-1013",
        "password2": "trust-no-one-1013",
    }
    return {**data, **changes}


def signed_in_user(client):
    return client.get("/").wsgi_request.user


# --- Sign up -----------------------------------------------------------------------------------
def test_the_login_page_links_to_sign_up_when_sign_up_is_enabled(client, settings):
    settings.SIGNUP_ENABLED = True

    content = client.get("/accounts/login/").content.decode()

    assert 'href="/accounts/signup/"' in content


def test_the_login_page_has_no_sign_up_link_when_sign_up_is_disabled(client, settings):
    settings.SIGNUP_ENABLED = False

    content = client.get("/accounts/login/").content.decode()

    assert "/accounts/signup/" not in content


def test_the_sign_up_page_is_not_found_when_sign_up_is_disabled(client, settings):
    settings.SIGNUP_ENABLED = False

    assert client.get("/accounts/signup/").status_code == 404


def test_signing_up_is_refused_when_sign_up_is_disabled(client, settings):
    settings.SIGNUP_ENABLED = False

    response = client.post("/accounts/signup/", sign_up_data())

    assert response.status_code == 404
    assert not User.objects.exists()


def test_signing_up_creates_the_account_and_signs_the_user_in(client):
    response = client.post("/accounts/signup/", sign_up_data())

    user = User.objects.get(username="dana")
    assert response["Location"] == "/my/"  # My work, the home page once signed in
    assert (user.email, user.display_name) == ("dana@example.com", "Dana Scully")
    assert user.check_password("trust-no-one-1013")
    assert signed_in_user(client) == user


def test_signing_up_with_an_email_in_use_in_another_case_is_refused(client):
    UserFactory(username="fox", email="dana@example.com")

    response = client.post("/accounts/signup/", sign_up_data(email="Dana@EXAMPLE.com"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email address already exists."
    ]
    assert not User.objects.filter(username="dana").exists()


def test_signing_up_with_a_username_in_use_is_refused(client):
    UserFactory(username="dana", email="another@example.com")

    response = client.post("/accounts/signup/", sign_up_data())

    assert response.context["form"].errors["username"]


def test_signing_up_with_a_username_in_use_in_another_case_is_refused(client):
    UserFactory(username="ada", email="ada@example.com")

    response = client.post("/accounts/signup/", sign_up_data(username="ADA"))

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "A user with that username already exists."
    ]
    assert not User.objects.filter(username="ADA").exists()


def test_signing_up_with_another_accounts_email_as_username_is_refused(client):
    UserFactory(username="newhire", email="newhire@example.com")

    response = client.post(
        "/accounts/signup/", sign_up_data(username="NewHire@example.com", email="x@example.com")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "This is another account's email address: choose another username."
    ]
    assert User.objects.count() == 1


def test_the_database_refuses_usernames_that_differ_only_in_case(db):
    UserFactory(username="ada")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Ada", email="other@example.com")


def test_the_migration_renames_the_later_of_two_case_twins_and_keeps_the_oldest():
    # Given accounts made before usernames were unique whatever their case
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0004_audit_survives_board")])
    old = executor.loader.project_state([("accounts", "0004_audit_survives_board")]).apps
    OldUser = old.get_model("accounts", "User")
    first = OldUser.objects.create(username="ada", email="ada@example.com")
    second = OldUser.objects.create(username="ADA", email="ada2@example.com")
    other = OldUser.objects.create(username="grace", email="grace@example.com")

    # When the migration runs
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("accounts", "0005_username_unique_ci")])

    # Then the oldest keeps its name, its twin gets its id as a suffix, and nobody else changes
    names = dict(
        User.objects.filter(pk__in=[first.pk, second.pk, other.pk]).values_list("pk", "username")
    )
    assert names == {first.pk: "ada", second.pk: f"ADA-{second.pk}", other.pk: "grace"}


def test_signing_up_with_two_different_passwords_is_refused(client):
    response = client.post("/accounts/signup/", sign_up_data(password2="something-else-99"))

    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


def test_signing_up_with_a_weak_password_is_refused(client):
    response = client.post("/accounts/signup/", sign_up_data(password1="dana", password2="dana"))

    assert response.context["form"].errors["password2"]
    assert not User.objects.exists()


def test_a_signed_in_user_visiting_sign_up_goes_to_their_work(client):
    client.force_login(UserFactory())

    response = client.get("/accounts/signup/")

    assert response["Location"] == "/my/"  # My work, the home page once signed in


# --- Sign in and out ---------------------------------------------------------------------------
def test_the_login_form_asks_for_username_and_password_with_a_sign_in_button(client):
    content = client.get("/accounts/login/").content.decode()

    assert re.search(r"<label[^>]*>Username</label>", content)
    assert re.search(r"<label[^>]*>Password</label>", content)
    assert re.search(r"<button[^>]*>Sign in</button>", content)


def test_signing_in_with_the_right_password_goes_to_my_work(client):
    user = UserFactory(username="dana")

    response = client.post("/accounts/login/", {"username": "dana", "password": PASSWORD})

    assert response["Location"] == "/my/"  # My work, the home page once signed in
    assert signed_in_user(client) == user


def test_signing_in_returns_to_the_page_asked_for(client):
    UserFactory(username="dana")

    response = client.post(
        "/accounts/login/", {"username": "dana", "password": PASSWORD, "next": "/boards/new/"}
    )

    assert response["Location"] == "/boards/new/"


def test_signing_in_with_a_wrong_password_shows_an_error(client):
    UserFactory(username="dana")

    response = client.post("/accounts/login/", {"username": "dana", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert not signed_in_user(client).is_authenticated


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")

    assert response["Location"] == "/accounts/login/?next=/"


def test_signing_out_ends_the_session_and_shows_the_login_page(client):
    client.force_login(UserFactory())

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert not signed_in_user(client).is_authenticated


def test_every_page_of_a_signed_in_user_offers_sign_out(client):
    client.force_login(UserFactory(display_name="Dana Scully"))

    content = client.get("/").content.decode()

    assert 'action="/accounts/logout/"' in content
    assert "Dana Scully" in content


# --- Password reset ----------------------------------------------------------------------------
def test_asking_for_a_password_reset_emails_a_link(client):
    UserFactory(username="dana", email="dana@example.com")

    response = client.post("/accounts/password-reset/", {"email": "dana@example.com"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    [email] = mail.outbox
    assert email.to == ["dana@example.com"]
    assert email.subject == "Reset your CS Board password"
    assert "/accounts/reset/" in email.body


def test_a_password_reset_for_an_unknown_address_sends_nothing_but_says_the_same(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})

    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_the_emailed_link_lets_the_user_choose_a_new_password(client):
    user = UserFactory(username="dana", email="dana@example.com")
    client.post("/accounts/password-reset/", {"email": "dana@example.com"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert response["Location"] == "/accounts/reset/done/"
    assert user.check_password(NEW_PASSWORD)


def test_a_used_reset_link_says_it_no_longer_works(client):
    UserFactory(username="dana", email="dana@example.com")
    client.post("/accounts/password-reset/", {"email": "dana@example.com"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert "This link no longer works" in response.content.decode()
