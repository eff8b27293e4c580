from tests.api.conftest import app, auth, client, db, stories, token  # noqa: F401 - shared fixtures
