"""Let the E-ARK validator run without network.

``eark-validator`` reads the CSIP vocabularies from the E-ARK web site when it is imported;
the same files ship inside the package (``eark_validator/ipxml/resources/vocabs``).  This
serves those packaged copies for the E-ARK addresses (and refuses any other address), so the
tests validate against exactly the vocabularies of the installed validator, offline.
"""

from __future__ import annotations

import email.message
import io
import urllib.error
import urllib.request
from importlib.resources import files
from urllib.response import addinfourl

EARK_HOSTS = ("earkcsip.dilcis.eu", "earksip.dilcis.eu")


class PackagedVocabularies(urllib.request.BaseHandler):
    handler_order = 100  # before the default HTTPS handler

    def https_open(self, req: urllib.request.Request) -> addinfourl:
        host, name = req.host, req.full_url.rsplit("/", 1)[-1]
        if host not in EARK_HOSTS:
            raise urllib.error.URLError(f"no network in the tests: {req.full_url}")
        data = files("eark_validator.ipxml.resources.vocabs").joinpath(name).read_bytes()
        headers = email.message.Message()
        headers["Content-Type"] = "application/xml"
        response = addinfourl(io.BytesIO(data), headers, req.full_url, 200)
        response.msg = "OK"  # read by urllib's error processor
        return response


def install() -> None:
    urllib.request.install_opener(urllib.request.build_opener(PackagedVocabularies()))
