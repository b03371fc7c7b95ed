"""What every page needs: the demo/environment banner and the user's role."""

from django.conf import settings


def portal(request) -> dict:
    return {
        "DEMO": settings.DEMO,
        "ENVIRONMENT_NAME": settings.ENVIRONMENT_NAME,
        "MINISTRY_NAME": settings.MINISTRY_NAME,
    }
