"""Quality tests never reach the internet: names other than localhost do not resolve (the factories'
example URLs then end as "unknown host", deterministically, with or without a network)."""

import ipaddress
import socket

import pytest


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch):
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name.split("%")[0])
        except ValueError:
            if name not in ("localhost", "localhost.localdomain"):
                raise socket.gaierror(socket.EAI_NONAME, f"{name}: no name resolution in tests") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)
