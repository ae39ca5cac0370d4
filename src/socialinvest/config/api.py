"""The one API instance the site serves: the API app's routers (the apps above add theirs here)."""

from socialinvest.api.api import make_api

api = make_api()
