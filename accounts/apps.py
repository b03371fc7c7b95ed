from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts en organisaties")

    def ready(self) -> None:
        from post_office.signals import email_queued

        from accounts.tasks import queue_delivery

        email_queued.connect(queue_delivery, dispatch_uid="nplv-queue-delivery")

        from accounts import signals

        signals.connect()
