"""Built-in dialects; importing this package registers them."""

from . import (
    deepseek_v3,
    deepseek_v31,
    hermes,
    json_array,
    kimi_k2,
    llama3_json,
    minimax_m1,
    mistral,
    qwen3_coder,
)

__all__ = [
    "deepseek_v3",
    "deepseek_v31",
    "hermes",
    "json_array",
    "kimi_k2",
    "llama3_json",
    "minimax_m1",
    "mistral",
    "qwen3_coder",
]
