"""The one API instance the site serves: the API app's routers plus the registry's two."""

from socialinvest.api.api import make_api
from socialinvest.registry.api import fund_router as registry_fund_router
from socialinvest.registry.api import router as registry_router

api = make_api()
api.add_router("/registry", registry_router)
api.add_router("", registry_fund_router)
