"""Vocabularies shared by several apps, so that an asset, a subnet and a medium name a network
zone or a secrecy level the same way (regulation 6 §4: no medium crosses networks)."""

from django.db import models


class NetworkZone(models.TextChoices):
    GOV_INTRANET = "gov_intranet", "政务内网"
    GOV_EXTRANET = "gov_extranet", "政务外网"
    INTERNET = "internet", "互联网"
    CLASSIFIED = "classified", "涉密网"
    STANDALONE = "standalone", "单机"


# Zones in which classified (涉密) equipment and media may be used.
CLASSIFIED_ZONES = (NetworkZone.CLASSIFIED, NetworkZone.STANDALONE)


class Secrecy(models.TextChoices):
    """State-secret levels (保守国家秘密法 art. 10); 非涉密 for everything else."""

    NONE = "none", "非涉密"
    SECRET = "secret", "秘密"
    CONFIDENTIAL = "confidential", "机密"
    TOP_SECRET = "top_secret", "绝密"


CLASSIFIED_LEVELS = (Secrecy.SECRET, Secrecy.CONFIDENTIAL, Secrecy.TOP_SECRET)
