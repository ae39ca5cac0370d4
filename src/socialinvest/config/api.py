"""The one API instance the site serves: the API app's routers plus the registry's."""

from socialinvest.api.api import make_api
from socialinvest.registry.api import router as registry_router

api = make_api()
api.add_router("/registry", registry_router)
