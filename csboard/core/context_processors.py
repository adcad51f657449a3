from django.conf import settings


def site(request):
    return {"SIGNUP_ENABLED": settings.SIGNUP_ENABLED}
