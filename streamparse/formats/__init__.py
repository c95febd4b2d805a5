"""Built-in dialects; importing this package registers them."""

from . import deepseek_v3, deepseek_v31, hermes, kimi_k2, minimax_m1, pythonic

__all__ = ["deepseek_v3", "deepseek_v31", "hermes", "kimi_k2", "minimax_m1", "pythonic"]
