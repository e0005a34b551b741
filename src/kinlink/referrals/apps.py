from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "kinlink.referrals"
    label = "referrals"
    verbose_name = "Services and referrals"
