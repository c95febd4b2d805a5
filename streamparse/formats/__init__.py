"""Built-in dialects; importing this package registers them."""

from . import (
    deepseek_v3,
    deepseek_v31,
    deepseek_v32,
    glm45,
    gpt_oss,
    hermes,
    json_array,
    kimi_k2,
    llama3_json,
    minimax_m1,
    minimax_m2,
    minimax_m3,
    mistral,
    pythonic,
    qwen3_coder,
    seed_oss,
)

__all__ = [
    "deepseek_v3",
    "deepseek_v31",
    "deepseek_v32",
    "glm45",
    "gpt_oss",
    "hermes",
    "json_array",
    "kimi_k2",
    "llama3_json",
    "minimax_m1",
    "minimax_m2",
    "minimax_m3",
    "mistral",
    "pythonic",
    "qwen3_coder",
    "seed_oss",
]
