from tests.questionnaires.conftest import cities, city_survey  # noqa: F401
