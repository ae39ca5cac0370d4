"""The client's address for log-in throttling: REMOTE_ADDR, or X-Forwarded-For from a trusted proxy.

A header is only believed when the request comes from a proxy named in
``settings.TRUSTED_PROXIES``; otherwise anyone could pick the address their failed
log-ins are counted against.  Behind a chain of trusted proxies the client is the
right-most address in X-Forwarded-For that is not itself a trusted proxy (each proxy
appends the address it received the request from, so everything left of that could
have been written by the client).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
    if address is None:
        return False
    return any(address in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address failed log-ins are counted against (django-axes' AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if not _trusted(_parse(remote)):
        return remote
    hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return remote  # a malformed chain: fall back to the proxy itself, never to a guess
        if not _trusted(address):
            return str(address)
    return remote
