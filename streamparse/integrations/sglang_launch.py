"""``python -m streamparse.integrations.sglang_launch ARGS``: SGLang's server with streamparse's parser names.

Registers ``streamparse_<name>`` in SGLang's tool-parser table, then runs
``python -m sglang.launch_server ARGS`` in this process, where SGLang's
OpenAI serving layer builds its parsers::

    python -m streamparse.integrations.sglang_launch --model-path Qwen/Qwen3-8B \\
        --tool-call-parser streamparse_hermes --reasoning-parser qwen3

Needed only where SGLang's plugin entry points are not loaded (see
:mod:`streamparse.integrations.sglang_plugin`).
"""

from __future__ import annotations

import runpy
import sys


def main() -> None:
    from streamparse.integrations.sglang_plugin import register

    register()
    sys.argv[0] = "sglang.launch_server"
    runpy.run_module("sglang.launch_server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
