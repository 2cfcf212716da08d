# Not a module: files directly in modules/ are not scanned.
from .llama import LlamaModel  # noqa
