from tests.questionnaires.conftest import cities, city_survey, login  # noqa: F401
