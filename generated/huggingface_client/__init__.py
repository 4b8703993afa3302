"""A client library for accessing Hugging Face Inference API (image classification)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
