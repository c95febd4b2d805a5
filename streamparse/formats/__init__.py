"""Built-in dialects; importing this package registers them."""

from . import kimi_k2, minimax_m1

__all__ = ["kimi_k2", "minimax_m1"]
