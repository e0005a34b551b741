from ..web.conftest import login  # noqa: F401  (the signed-in client fixture)
