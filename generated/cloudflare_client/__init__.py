"""A client library for accessing Cloudflare Workers AI REST API (ResNet-50 image classification)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
