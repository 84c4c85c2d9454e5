from django.db import models


class MunicipalityKind(models.TextChoices):
    URBAN_OKRUG = "urban_okrug", "городской округ"
    MUNICIPAL_DISTRICT = "municipal_district", "муниципальный район"


class OrganizationKind(models.TextChoices):
    CUR = "cur", "Центр управления регионом"
    REGIONAL_BODY = "regional_body", "орган исполнительной власти области"
    MUNICIPAL_ADMINISTRATION = (
        "municipal_administration",
        "администрация муниципального образования",
    )
    CITY_DISTRICT_ADMINISTRATION = "city_district_administration", "администрация района города"
    SUBORDINATE = "subordinate", "подведомственное учреждение"
    RESOURCE_SUPPLIER = "resource_supplier", "ресурсоснабжающая организация"
    REGIONAL_OPERATOR = "regional_operator", "региональный оператор"
    FEDERAL_BODY = "federal_body", "территориальный орган федерального органа"
    OTHER = "other", "иная организация"


class SectorCode(models.TextChoices):
    """The fixed sector codes used everywhere (models, API, exports)."""

    ZHKH = "zhkh", "ЖКХ и благоустройство"
    TKO = "tko", "Обращение с ТКО"
    ENERGY = "energy", "Энергетика"
    EDUCATION = "education", "Образование"
    HEALTH = "health", "Здравоохранение"
    ROADS = "roads", "Дорожная деятельность"
    TRANSPORT = "transport", "Транспортное обслуживание"
    SOCIAL = "social", "Социальная защита"
    OTHER = "other", "Прочее"


class InputKindCode(models.TextChoices):
    MESSAGE = "message", "сообщение"
    APPEAL_59FZ = "appeal_59fz", "обращение по 59-ФЗ"
    COMPLAINT_210FZ = "complaint_210fz", "жалоба по 210-ФЗ"
    PUBLICATION = "publication", "публикация в соцсети"
