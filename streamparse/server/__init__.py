"""``streamparse serve`` and ``streamparse replay`` as importable pieces (needs the ``server`` extra).

* :func:`create_proxy_app` / :class:`ProxyConfig`: the OpenAI-compatible
  proxy in front of a raw-completions engine.
* :func:`create_replay_app`: recorded outputs served as ``/v1/completions``.
* :class:`ChatTemplate`: chat templates rendered as ``transformers`` renders them.
* :class:`ServerThread`: any of these apps on a loopback port in a thread.
"""

from __future__ import annotations

from ._guard import read_api_keys
from ._proxy import ProxyConfig, create_proxy_app
from ._replay import ReplayStats, create_replay_app
from ._run import ServerThread
from ._template import ChatTemplate, ContentFormat, TemplateRenderError

__all__ = [
    "ChatTemplate",
    "ContentFormat",
    "ProxyConfig",
    "ReplayStats",
    "ServerThread",
    "TemplateRenderError",
    "create_proxy_app",
    "create_replay_app",
    "read_api_keys",
]
