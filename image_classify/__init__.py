"""image_classify: the hand-written layer over the five generated clients.

The generated packages (`edge_impulse_client`, `img_processing_client`, `roboflow_client`,
`huggingface_client`, `cloudflare_client`) are usable on their own; this package adds
what production code needs on top of them.
"""

__version__ = "0.1.0"
