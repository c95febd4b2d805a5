"""Built-in dialects; importing this package registers them."""

from . import hermes, kimi_k2, minimax_m1

__all__ = ["hermes", "kimi_k2", "minimax_m1"]
