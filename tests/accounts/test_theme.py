"""The theme switch: a user's choice is saved on their account and drawn by the server as
`data-theme` on <html> (no flash of the other theme); without a choice, and for anyone signed
out, the page follows the system setting (no attribute)."""

import re

import pytest
from django.urls import reverse

from accounts.models import Theme, User

pytestmark = pytest.mark.django_db


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode())[0]


def test_a_user_starts_with_the_system_theme(member_user):
    assert member_user.theme == Theme.SYSTEM


@pytest.mark.parametrize("theme", ["light", "dark", "system"])
def test_the_theme_a_user_chooses_is_saved_on_their_account(client_as, member_user, theme):
    response = client_as("member").post(reverse("theme"), {"theme": theme})

    assert response.status_code == 302
    assert response.url == reverse("sla:email_preferences")
    assert User.objects.get(pk=member_user.pk).theme == theme


def test_a_theme_that_does_not_exist_is_refused_and_nothing_changes(client_as, member_user):
    response = client_as("member").post(reverse("theme"), {"theme": "sepia"})

    assert response.status_code == 400
    assert User.objects.get(pk=member_user.pk).theme == Theme.SYSTEM


def test_the_settings_page_offers_the_three_themes_the_chosen_one_checked(client_as, member_user):
    User.objects.filter(pk=member_user.pk).update(theme=Theme.DARK)

    html = client_as("member").get(reverse("sla:email_preferences")).content.decode()

    assert re.findall(r'name="theme" value="(\w+)"', html) == ["system", "light", "dark"]
    assert re.search(r'value="dark"[^>]*checked', html)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_chosen_theme_is_rendered_on_the_html_element(client_as, member_user, theme):
    User.objects.filter(pk=member_user.pk).update(theme=theme)

    response = client_as("member").get(reverse("boards:list"))

    assert f'data-theme="{theme}"' in html_tag(response)


def test_the_system_theme_renders_no_attribute_so_the_system_setting_applies(client_as):
    response = client_as("member").get(reverse("boards:list"))

    assert "data-theme" not in html_tag(response)


def test_a_signed_out_visitor_gets_no_theme_attribute(client):
    response = client.get(reverse("login"))

    assert "data-theme" not in html_tag(response)


def test_signed_out_visitors_cannot_set_a_theme(client):
    response = client.post(reverse("theme"), {"theme": "dark"})

    assert response.status_code == 302
    assert reverse("login") in response.url


def test_the_switch_takes_a_post_only(client_as):
    assert client_as("member").get(reverse("theme")).status_code == 405
