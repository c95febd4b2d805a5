"""The ``streamparse`` command: replay bundled examples, parse raw model output.

Verbs::

    streamparse demo [--dialect NAME] [--seed N]
    streamparse parse [FILE|-] (--dialect NAME [--token-suffix S] | --dialect-file FILE) [--split chars|random|N]
                      [--seed N]
                      [--format json|sse] [--model NAME] [--finish-reason stop|length]
                      [--tools FILE.json] [--start-in-reasoning]
    streamparse dialects
    streamparse replay [FILE...] [--dialect NAME] [--when TEXT FILE] [--delay S] [--model NAME]
                       [--host H] [--port P]
    streamparse serve --upstream URL [--dialect NAME | --dialect-file FILE] [--token-suffix S]
                      --chat-template FILE [--model NAME]
                      [--host H] [--port P] [--timeout S] [--connect-timeout S]
                      [--content-format auto|string|openai] [--start-in-reasoning]
                      [--engine vllm|sglang|llamacpp] [--api-key KEY | --api-key-file FILE]
                      [--cors-origin ORIGIN] [--ssl-certfile F --ssl-keyfile F]
                      [--max-body-bytes N] [--log-level LEVEL] [--workers N]
    streamparse serve --demo [--dialect NAME] [--host H] [--port P] [--delay S]
    streamparse fuzz [--dialect NAME ... [--token-suffix S]] [--dialect-file FILE --like NAME] [--property NAME ...]
                     [--minutes M | --seconds S] [--seed N] [--jobs N]
    streamparse fuzz --target vllm:PARSER|sglang:PARSER [--dialect NAME] [--minutes M | --seconds S] [--seed N]

``replay`` and ``serve`` need the ``server`` extra (``pip install 'streamparse[server]'``),
``fuzz`` the ``test`` extra (hypothesis).
User errors (unknown dialect, unreadable file, bad tools) print one line
to stderr and exit with status 2; a server address that is in use, or that
cannot be bound, exits with status 3. The module holds no parsing logic: it
cuts text, feeds a :class:`~streamparse.StreamParser` and prints what
comes out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module, resources
from typing import Any, NoReturn, TextIO

from ._wire import ChoiceDelta
from .errors import UsageError
from .parser import StreamParser, parse
from .registry import canonical_name, dialects, with_token_suffix
from .replay import Replay, Reply
from .result import ParseResult, fold_deltas
from .sse import ChunkBuilder, completion_chunk, sse_line
from .template import load_dialect

__all__ = ["ChunkBuilder", "Example", "completion_chunk", "examples", "main", "split_text", "sse_line"]

_EXIT_USAGE = 2
_EXIT_ADDRESS = 3
_EXIT_INTERRUPTED = 130
_DEMO_MAX_PIECE = 8
_RANDOM_MAX_PIECE = 16
_ALPHANUMERIC = string.ascii_letters + string.digits


class _CliError(Exception):
    """A user error: reported as one line on stderr, exit status 2 (or ``status``)."""

    def __init__(self, message: str, status: int = _EXIT_USAGE) -> None:
        super().__init__(message)
        self.status = status


# --- bundled examples ---------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """One bundled raw model output: ``streamparse/examples/<name>.txt``."""

    name: str
    dialect: str
    text: str


def examples(dialect: str | None = None) -> list[Example]:
    """The bundled examples, sorted by name, optionally of one dialect only.

    A file belongs to the dialect whose name is its stem or the longest
    registered name its stem starts with followed by ``_``
    (``kimi_k2_thinking.txt`` is a ``kimi_k2`` example).
    """
    known = dialects()
    if dialect is not None:
        dialect = canonical_name(dialect)  # an alias (vLLM's or SGLang's name) shows its dialect's examples
    found: list[Example] = []
    folder = resources.files("streamparse") / "examples"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".txt"):
            continue
        stem = entry.name[: -len(".txt")]
        owners = [name for name in known if stem == name or stem.startswith(name + "_")]
        if not owners:
            continue
        owner = max(owners, key=len)
        if dialect is None or owner == dialect:
            # Bytes, not read_text(): the text must reach the parser exactly as written.
            found.append(Example(stem, owner, entry.read_bytes().decode("utf-8")))
    return found


# --- cutting text into deltas ---------------------------------------------------


def split_text(text: str, how: str | int | None, rng: random.Random | None = None) -> list[str]:
    """Cut ``text`` into the deltas to feed.

    ``how`` is None (the whole text at once), ``"chars"`` (one character at a
    time), ``"random"`` (random pieces of 1 to 16 characters drawn from
    ``rng``) or a positive int (pieces of that many characters).
    """
    if how is None:
        return [text] if text else []
    if how == "chars":
        return list(text)
    if how == "random":
        return _random_pieces(text, rng or random.Random(), _RANDOM_MAX_PIECE)
    if isinstance(how, int) and not isinstance(how, bool) and how > 0:
        return [text[start : start + how] for start in range(0, len(text), how)]
    raise UsageError(f"split must be None, 'chars', 'random' or a positive int, not {how!r}")


def _random_pieces(text: str, rng: random.Random, longest: int) -> list[str]:
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = start + rng.randint(1, longest)
        pieces.append(text[start:end])
        start = end
    return pieces


# --- verbs ------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _show(delta: ChoiceDelta | None) -> str:
    return "None" if delta is None else _dumps(delta)


def _result_json(result: ParseResult) -> str:
    fields = {"content", "reasoning_content", "tool_calls", "finish_reason"}
    if result.problems:
        fields.add("problems")
    return json.dumps(result.model_dump(include=fields), ensure_ascii=False, indent=2)


def _cmd_dialects(args: argparse.Namespace, out: TextIO) -> int:
    out.writelines(name + "\n" for name in dialects())
    return 0


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    chosen = examples(args.dialect)
    if not chosen:
        raise _CliError(f"no bundled example for dialect {args.dialect!r}")
    for number, example in enumerate(chosen):
        if number:
            out.write("\n")
        out.write(f"== {example.name}.txt (dialect {example.dialect}, seed {args.seed})\n")
        pieces = _random_pieces(example.text, random.Random(args.seed), _DEMO_MAX_PIECE)
        parser = StreamParser(example.dialect, id_seed=args.seed)
        deltas = []
        for piece in pieces:
            delta = parser.feed(piece)
            if delta is not None:
                deltas.append(delta)
            out.write(f"feed {_dumps(piece):<14} -> {_show(delta)}\n")
        delta = parser.finish()
        if delta is not None:
            deltas.append(delta)
        out.write(f"{'finish()':<19} -> {_show(delta)}   finish_reason={parser.finish_reason}\n")
        folded = fold_deltas(deltas, parser.finish_reason)
        whole = parse(example.text, example.dialect, id_seed=args.seed)
        same = "yes" if folded == whole else "NO (this is a bug, please report it)"
        out.write(f"-- folded ({len(pieces)} pieces, {len(deltas)} deltas; same as parse(): {same})\n")
        out.write(_result_json(folded) + "\n")
    return 0


def _dialect_option(args: argparse.Namespace) -> Any:
    """--dialect NAME (with --token-suffix S), or the dialect --dialect-file FILE (a response_template,
    or a tokenizer_config.json) makes."""
    if getattr(args, "dialect_file", None) is None:
        return _with_suffix(args, args.dialect)
    if args.dialect:
        raise _CliError("give --dialect NAME or --dialect-file FILE, not both")
    if getattr(args, "token_suffix", None):
        raise _CliError("--token-suffix goes with --dialect NAME, not with --dialect-file")
    return load_dialect(args.dialect_file)


def _with_suffix(args: argparse.Namespace, dialect: Any) -> Any:
    """``dialect`` with the checkpoint's marker suffix of --token-suffix, if given."""
    suffix = getattr(args, "token_suffix", None)
    if not suffix or dialect is None:
        return dialect
    return with_token_suffix(dialect, suffix)


def _cmd_parse(args: argparse.Namespace, out: TextIO) -> int:
    text = _read_input(args.file)
    tools = _read_tools(args.tools) if args.tools is not None else None
    args.dialect = _dialect_option(args)
    if args.dialect is None:
        raise _CliError("--dialect NAME or --dialect-file FILE is required (see 'streamparse dialects')")
    parser = StreamParser(
        args.dialect,
        tools,
        start_in_reasoning=args.start_in_reasoning,
        id_seed=args.seed,
    )
    pieces = split_text(text, args.split, random.Random(args.seed))
    builder: ChunkBuilder | None = None
    if args.format == "sse":
        chunk_id = None
        if args.seed is not None:
            chunk_id = "chatcmpl-" + "".join(random.Random(args.seed).choices(_ALPHANUMERIC, k=24))
        builder = ChunkBuilder(args.model, chunk_id=chunk_id)

    def emit(delta: ChoiceDelta | None) -> None:
        if delta is not None:
            out.write(sse_line(builder.chunk(delta)) if builder is not None else _dumps(delta) + "\n")

    for piece in pieces:
        emit(parser.feed(piece))
    emit(parser.finish(args.finish_reason))
    finish_reason = parser.finish_reason
    assert finish_reason is not None
    # Problems come from the batch parse (the same result, by the contract): wire deltas
    # do not say which calls the text cut short, so a fold of them cannot report "incomplete".
    problems = parse(
        text,
        args.dialect,
        tools,
        start_in_reasoning=args.start_in_reasoning,
        id_seed=args.seed,
        finish_reason=args.finish_reason,
    ).problems
    if builder is not None:
        out.write(sse_line(builder.last(finish_reason)))
        out.write(sse_line("[DONE]"))
        for problem in problems:
            sys.stderr.write(
                f"streamparse: warning: call {problem.index}: {problem.kind}: {problem.detail}\n"
            )
        return 0
    final: dict[str, Any] = {"finish_reason": finish_reason}
    if problems:
        final["problems"] = [problem.model_dump() for problem in problems]
    out.write(_dumps(final) + "\n")
    return 0


def _server_modules() -> Any:
    try:
        from . import server
    except ImportError as error:
        raise _CliError(
            f"this verb needs the server extra ({error.name} is missing): pip install 'streamparse[server]'"
        ) from None
    return server


def _read_text(path: str, what: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except OSError as error:
        raise _CliError(f"cannot read {what} {path}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise _CliError(f"{what} {path} is not UTF-8 text (byte {error.start}: {error.reason})") from None


def _replies(args: argparse.Namespace) -> list[Reply]:
    replies = [Reply(_read_text(path, "reply file")) for path in args.files]
    if not replies:
        dialect = args.dialect or "kimi_k2"
        chosen = examples(dialect)
        if not chosen:
            raise _CliError(f"no bundled example for dialect {dialect!r}")
        replies = [Reply(example.text) for example in chosen]
    replies.extend(Reply(_read_text(path, "reply file"), when=text) for text, path in args.when or ())
    return replies


def _bind(host: str, port: int) -> Any:
    """A listening socket on host:port, bound now so that a taken port is a one-line error at start-up."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        raise _CliError(f"cannot listen on {host!r}: {error}", _EXIT_ADDRESS) from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        raise _CliError(
            f"cannot listen on {_authority(host, port)}: {error.strerror or error}", _EXIT_ADDRESS
        ) from None
    return sock


def _authority(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _run_app(app: Any, args: argparse.Namespace, banner: str, sock: Any = None, **options: Any) -> int:
    import uvicorn

    if sock is None:
        sock = _bind(args.host, args.port)
    level = getattr(args, "log_level", "warning")
    _configure_logging(level)
    sys.stderr.write(banner + "\n")
    config = uvicorn.Config(app, log_level=level, access_log=False, lifespan="on", **options)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0


def _configure_logging(level: str) -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("streamparse")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False


def _cmd_replay(args: argparse.Namespace, out: TextIO) -> int:
    app = _replay_app(args)
    url = f"http://{args.host}:{args.port}/v1"
    return _run_app(app, args, f"streamparse replay: serving /v1/completions on {url}")


def _replay_app(args: argparse.Namespace) -> Any:
    server = _server_modules()
    return server.create_replay_app(Replay(_replies(args), model=args.model), delay=args.delay)


_DEMO_TEMPLATE = (
    "{% for message in messages %}{{ message.role }}: {{ message.content }}\n{% endfor %}"
    "{% if tools %}tools: {{ tools | tojson }}\n{% endif %}"
    "{% if add_generation_prompt %}assistant: {% endif %}"
)


def _cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    _check_serve_options(args)
    sock = _bind(args.host, args.port)
    try:
        app, banner = _serve_app(args, port=sock.getsockname()[1])
    except BaseException:
        sock.close()
        raise
    if not args.api_keys and not _is_loopback(args.host):
        sys.stderr.write(
            f"streamparse: warning: listening on {args.host} without an API key: anyone who can reach "
            "this port can use the upstream (set --api-key, --api-key-file or STREAMPARSE_API_KEY)\n"
        )
    tls = {"ssl_certfile": args.ssl_certfile, "ssl_keyfile": args.ssl_keyfile} if args.ssl_certfile else {}
    if args.workers > 1:
        del app  # each worker builds its own; this one only checked the options
        return _run_workers(args, banner, sock, **tls)
    return _run_app(app, args, banner, sock, **tls)


def _run_workers(args: argparse.Namespace, banner: str, sock: Any, **options: Any) -> int:
    """``--workers N``: N processes accept on the one socket bound here; uvicorn's supervisor restarts any that dies.

    A worker is a spawned process, so it gets the parsed options (picklable)
    and builds its app from them; the app itself, closures and all, cannot
    be sent. Each worker has its own upstream connection pool: the proxy
    keeps no state between requests, so any worker can take any request.
    """
    import functools
    import inspect
    import tempfile

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    level = args.log_level
    _configure_logging(level)
    # Metrics are summed over the workers through prometheus-client's multiprocess mode, which must be
    # chosen before a worker imports prometheus_client: the spawned workers inherit this variable.
    metrics_dir = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="streamparse-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    sys.stderr.write(f"{banner}, {args.workers} workers\n")
    config = uvicorn.Config(
        functools.partial(_worker_app, vars(args), sock.getsockname()[1]),
        factory=True,
        workers=args.workers,
        log_level=level,
        access_log=False,
        lifespan="on",
        **options,
    )
    supervised: dict[str, Any] = {"sockets": [sock]}
    if "target" in inspect.signature(Multiprocess).parameters:  # older uvicorn: the worker entry is passed in
        supervised["target"] = uvicorn.Server(config).run
    try:
        Multiprocess(config, **supervised).run()
    finally:
        sock.close()
        if metrics_dir is not None:
            import shutil

            del os.environ["PROMETHEUS_MULTIPROC_DIR"]
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def _worker_app(options: dict[str, Any], port: int) -> Any:
    """One worker's app (runs in the worker process)."""
    args = argparse.Namespace(**options)
    _configure_logging(args.log_level)
    return _serve_app(args, port=port)[0]


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_serve_options(args: argparse.Namespace) -> None:
    """Every option that would fail on the first request fails now, with one line."""
    if args.upstream is not None:
        import httpx

        try:
            url = httpx.URL(args.upstream)
        except httpx.InvalidURL as error:
            raise _CliError(f"--upstream {args.upstream!r} is not a URL: {error}") from None
        if url.scheme not in ("http", "https") or not url.host:
            raise _CliError(
                f"--upstream {args.upstream!r} must be an http:// or https:// URL with a host, "
                "e.g. http://127.0.0.1:8001/v1"
            )
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        raise _CliError("TLS needs both --ssl-certfile and --ssl-keyfile")
    if args.ssl_certfile:
        if args.demo:
            raise _CliError("--demo serves plain HTTP: leave out --ssl-certfile and --ssl-keyfile")
        for path in (args.ssl_certfile, args.ssl_keyfile):
            _read_text(path, "TLS file")
    keys = list(args.api_key or ())
    if args.api_key_file:
        keys.extend(_server_modules().read_api_keys(_read_text(args.api_key_file, "API key file")))
        if not keys:
            raise _CliError(f"the API key file {args.api_key_file} holds no key")
    if not keys and os.environ.get("STREAMPARSE_API_KEY"):
        keys = _server_modules().read_api_keys(os.environ["STREAMPARSE_API_KEY"])
    args.api_keys = tuple(keys)


def _serve_app(args: argparse.Namespace, port: int | None = None) -> tuple[Any, str]:
    server = _server_modules()
    port = args.port if port is None else port
    scheme = "https" if getattr(args, "ssl_certfile", None) else "http"
    url = f"{scheme}://{_authority(args.host, port)}/v1"
    replay_app = None
    if args.demo:
        if args.upstream or args.chat_template:
            raise _CliError(
                "--demo serves its own upstream and template: leave out --upstream and --chat-template"
            )
        dialect = args.dialect or "kimi_k2"
        args.dialect = dialect
        args.files, args.when = [], []
        replay_app = server.create_replay_app(
            Replay(_replies(args), model=f"{dialect}-replay"), delay=args.delay
        )
        template = server.ChatTemplate(_DEMO_TEMPLATE)
        upstream = f"http://{_authority(_reachable(args.host), port)}/replay/v1"
    else:
        if not args.upstream:
            raise _CliError("--upstream URL is required (or --demo)")
        if not args.chat_template:
            raise _CliError("--chat-template FILE is required: a Jinja template or a tokenizer_config.json")
        template = server.ChatTemplate.load(args.chat_template, content_format=args.content_format)
        upstream = args.upstream
        # Detection reads the template the model writes calls by: the tool_use one when there are several;
        # a tokenizer_config.json's response_template when no built-in rule matches.
        tokenizer_config = args.chat_template if args.chat_template.endswith(".json") else None
        dialect = _dialect_option(args) or _with_suffix(
            args, _detect(args.model, template.sources.get("tool_use", template.source), tokenizer_config)
        )
        if isinstance(dialect, str) and tokenizer_config is not None and not args.token_suffix:
            # --dialect hy_v3 with a checkpoint's config: its token_suffix applies, as in vLLM.
            dialect = import_module("streamparse.detect").with_config_suffix(dialect, tokenizer_config)
    client_keys: tuple[str, ...] = tuple(getattr(args, "api_keys", ()))
    config = server.ProxyConfig(
        upstream=upstream,
        dialect=dialect,
        template=template,
        model=args.model,
        read_timeout=args.timeout,
        connect_timeout=args.connect_timeout,
        # The demo's replay sits behind the same key check as the proxy: the proxy sends it a client key.
        upstream_api_key=(
            client_keys[0]
            if replay_app is not None and client_keys
            else os.environ.get("STREAMPARSE_UPSTREAM_API_KEY") or None
        ),
        start_in_reasoning=args.start_in_reasoning,
        engine=getattr(args, "engine", None),
        api_keys=client_keys,
        cors_origins=tuple(getattr(args, "cors_origin", None) or ()),
        max_body_bytes=getattr(args, "max_body_bytes", None),
    )
    app = server.create_proxy_app(config)
    if replay_app is not None:
        from starlette.routing import Mount

        app.router.routes.append(Mount("/replay", app=replay_app))
    name = dialect if isinstance(dialect, str) else dialect.name
    suffix = getattr(dialect, "token_suffix", "")
    if suffix:
        name += f" (markers ending in {suffix!r})"
    return app, f"streamparse serve: {name} on {url} (upstream {upstream})"


def _reachable(host: str) -> str:
    """The address the demo's proxy reaches its own replay at: loopback for a wildcard bind."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "::1"
    return host


def _cmd_fuzz(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from .testing.longrun import fuzz, properties_named
    except ImportError as error:
        raise _CliError(
            f"this verb needs the test extra ({error.name} is missing): pip install 'streamparse[test]'"
        ) from None
    budget = args.seconds if args.seconds is not None else args.minutes * 60.0

    def progress(line: str) -> None:
        sys.stderr.write(f"streamparse fuzz: {line}\n")
        sys.stderr.flush()

    if args.target:
        return _fuzz_targets(args, budget, progress, out)
    properties = properties_named(args.property)
    chosen: list[Any] | None = args.dialect
    if args.token_suffix:
        if not args.dialect or args.dialect_file is not None:
            raise _CliError("--token-suffix needs --dialect NAME: the dialects whose markers carry it")
        chosen = [with_token_suffix(name, args.token_suffix) for name in args.dialect]
    if args.dialect_file is not None:
        if args.like is None:
            raise _CliError(
                "--dialect-file needs --like NAME: the built-in dialect whose outputs to generate"
            )
        from .testing import use_renderer

        template = load_dialect(args.dialect_file)
        use_renderer(template, canonical_name(args.like))
        chosen = [*(args.dialect or ()), template]
    elif args.like is not None:
        raise _CliError("--like goes with --dialect-file")
    report = fuzz(chosen, budget, seed=args.seed, progress=progress, jobs=args.jobs, properties=properties)
    out.write(report.table() + "\n")
    if not report.ok:
        return 1
    return _EXIT_INTERRUPTED if report.interrupted else 0


def _fuzz_targets(
    args: argparse.Namespace, budget: float, progress: Callable[[str], None], out: TextIO
) -> int:
    """``fuzz --target``: the contract's checks against vLLM's or SGLang's own parsers, one report each."""
    from .testing.target import fuzz_target

    if args.dialect and len(args.dialect) > 1:
        raise _CliError("with --target, --dialect names the one dialect to render the inputs in")
    dialect = args.dialect[0] if args.dialect else None
    failed = False
    for target in args.target:
        try:
            report = fuzz_target(
                target, dialect, budget / len(args.target), seed=args.seed, progress=progress
            )
        except ImportError as error:
            raise _CliError(f"{target}: the engine is not importable here ({error})") from None
        except ValueError as error:
            raise _CliError(str(error)) from None
        out.write(report.table() + "\n\n")
        for check in report.minimal:
            out.write(report.bug_report(check) + "\n")
        failed = failed or not report.ok
    return 1 if failed else 0


def _detect(model: str | None, template: str, config: str | None = None) -> Any:
    try:
        detect = import_module("streamparse.detect").detect
    except (ImportError, AttributeError):
        raise _CliError("--dialect NAME is required (see 'streamparse dialects')") from None
    found = detect(model=model, chat_template=template, tokenizer_config=config)
    if found is None:
        raise _CliError("cannot tell the dialect from the chat template: pass --dialect NAME")
    return found


def _read_input(path: str) -> str:
    where = "standard input" if path == "-" else path
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data: bytes | str = stream.read() if stream is not None else sys.stdin.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError as error:
        raise _CliError(f"cannot read {where}: {error.strerror or error}") from None
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _CliError(f"{where} is not UTF-8 text (byte {error.start}: {error.reason})") from None


def _read_tools(path: str) -> Any:
    try:
        with open(path, "rb") as handle:
            tools = json.loads(handle.read().decode("utf-8"))
    except OSError as error:
        raise _CliError(f"cannot read tools file {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise _CliError(f"tools file {path} is not valid JSON: {error}") from None
    if isinstance(tools, dict) and "tools" in tools:
        tools = tools["tools"]  # a whole request body
    if not isinstance(tools, list):
        raise _CliError(
            f"tools file {path} must hold a JSON list of tools (or an object with a 'tools' list)"
        )
    return tools


# --- argument parsing ---------------------------------------------------------------


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _CliError(f"{message} (see '{self.prog} --help')")


def _split_option(value: str) -> str | int:
    if value in ("chars", "random"):
        return value
    try:
        size = int(value)
    except ValueError:
        size = 0
    if size <= 0:
        raise argparse.ArgumentTypeError(f"expected 'chars', 'random' or a positive number, not {value!r}")
    return size


def _positive_number(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if not number > 0:  # also rejects nan
        raise argparse.ArgumentTypeError(f"expected a positive number, not {value!r}")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, not {value!r}")
    return number


def _server_options(verb: argparse.ArgumentParser, *, port: int) -> None:
    verb.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    verb.add_argument("--port", type=int, default=port, help=f"the port to listen on (default {port})")
    verb.add_argument("--delay", type=float, default=0.0, help="replay: seconds to wait before each piece")


def _build_parser() -> argparse.ArgumentParser:
    top = _ArgumentParser(
        prog="streamparse",
        description="Parse raw LLM output, streamed as text deltas, into OpenAI chat deltas with tool calls.",
    )
    verbs = top.add_subparsers(
        dest="verb", metavar="{demo,parse,dialects,replay,serve,fuzz}", parser_class=_ArgumentParser
    )
    verbs.required = True

    demo = verbs.add_parser("demo", help="replay the bundled examples cut at random points")
    demo.add_argument("--dialect", metavar="NAME", help="only the examples of this dialect")
    demo.add_argument("--seed", type=int, default=0, help="seed of the cuts and generated ids (default 0)")
    demo.set_defaults(run=_cmd_demo)

    cmd = verbs.add_parser("parse", help="parse raw model output from a file or stdin")
    cmd.add_argument(
        "file", nargs="?", default="-", metavar="FILE", help="raw model output; '-' or nothing reads stdin"
    )
    cmd.add_argument("--dialect", metavar="NAME", help="see 'streamparse dialects'")
    cmd.add_argument(
        "--dialect-file",
        metavar="FILE",
        help="a response_template (JSON), or a tokenizer_config.json holding one, instead of --dialect",
    )
    cmd.add_argument(
        "--token-suffix",
        metavar="SUFFIX",
        help="the suffix the checkpoint's tokenizer appends to every special token, e.g. ':opensource' for"
        " <tool_calls:opensource> (its tokenizer_config.json's token_suffix; Hunyuan hy_v3 / hy_v4)",
    )
    cmd.add_argument(
        "--split",
        type=_split_option,
        default=None,
        metavar="chars|random|N",
        help="how to cut the text into deltas (default: the whole text at once)",
    )
    cmd.add_argument("--seed", type=int, default=None, help="seed of random cuts and generated ids")
    cmd.add_argument(
        "--format",
        choices=("json", "sse"),
        default="json",
        help="json: one delta per line, then the finish reason; sse: OpenAI chat.completion.chunk events",
    )
    cmd.add_argument("--model", default="streamparse", help="the model name written in SSE chunks")
    cmd.add_argument(
        "--finish-reason",
        choices=("stop", "length"),
        default=None,
        help="how the upstream stream ended ('length': cut by max_tokens)",
    )
    cmd.add_argument("--tools", metavar="FILE.json", help="OpenAI tools list (or a request body holding one)")
    cmd.add_argument(
        "--start-in-reasoning",
        action=argparse.BooleanOptionalAction,
        help="the prompt already opened the reasoning (<think>); default: as the dialect name implies",
    )
    cmd.set_defaults(run=_cmd_parse)

    replay = verbs.add_parser(
        "replay", help="serve recorded model outputs as an OpenAI /v1/completions stream"
    )
    replay.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="raw model outputs, served in turn (default: bundled examples)",
    )
    replay.add_argument("--dialect", metavar="NAME", help="serve the bundled examples of this dialect")
    replay.add_argument(
        "--when",
        nargs=2,
        action="append",
        metavar=("TEXT", "FILE"),
        help="serve FILE to prompts that contain TEXT (the last matching --when wins)",
    )
    _server_options(replay, port=8001)
    replay.add_argument("--model", default="replay", help="the model name it reports (default 'replay')")
    replay.set_defaults(run=_cmd_replay)

    serve = verbs.add_parser(
        "serve", help="an OpenAI-compatible chat endpoint in front of a raw-completions engine"
    )
    serve.add_argument(
        "--upstream", metavar="URL", help="the engine's OpenAI base URL, e.g. http://127.0.0.1:8001/v1"
    )
    serve.add_argument(
        "--dialect", metavar="NAME", help="how the model writes tool calls (see 'streamparse dialects')"
    )
    serve.add_argument(
        "--dialect-file",
        metavar="FILE",
        help="a response_template (JSON), or a tokenizer_config.json holding one, instead of --dialect",
    )
    serve.add_argument(
        "--token-suffix",
        metavar="SUFFIX",
        help="the suffix the checkpoint's tokenizer appends to every special token, e.g. ':opensource' for"
        " <tool_calls:opensource> (its tokenizer_config.json's token_suffix; Hunyuan hy_v3 / hy_v4)",
    )
    serve.add_argument(
        "--chat-template",
        metavar="FILE",
        help="the model's chat template: a Jinja file or a tokenizer_config.json",
    )
    serve.add_argument(
        "--content-format",
        choices=("auto", "string", "openai"),
        default="auto",
        help="message content as strings or as lists of parts (default: what the template reads)",
    )
    serve.add_argument("--model", help="the model name sent upstream (default: the request's)")
    serve.add_argument(
        "--timeout",
        type=_positive_number,
        default=600.0,
        help="seconds to wait for the next piece from the upstream",
    )
    serve.add_argument(
        "--connect-timeout", type=_positive_number, default=10.0, help="seconds to connect to the upstream"
    )
    serve.add_argument(
        "--engine",
        choices=("vllm", "sglang", "llamacpp"),
        help="the upstream engine, so a forced tool_choice is sent as its constrained-decoding field "
        "(default: none; the output is then checked against the choice)",
    )
    serve.add_argument(
        "--api-key",
        action="append",
        metavar="KEY",
        help="a key clients must send as 'Authorization: Bearer KEY' (repeatable; also STREAMPARSE_API_KEY)",
    )
    serve.add_argument("--api-key-file", metavar="FILE", help="client keys, one per line")
    serve.add_argument(
        "--cors-origin",
        action="append",
        metavar="ORIGIN",
        help="a browser origin allowed by CORS, e.g. https://app.example.com, or '*' (repeatable)",
    )
    serve.add_argument("--ssl-certfile", metavar="FILE", help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--ssl-keyfile", metavar="FILE", help="the certificate's private key (PEM)")
    serve.add_argument(
        "--max-body-bytes",
        type=_positive_int,
        default=32 * 1024 * 1024,
        help="the largest request body accepted, in bytes (default 32 MiB)",
    )
    serve.add_argument(
        "--log-level",
        choices=("critical", "error", "warning", "info", "debug"),
        default="info",
        help="'info' logs one line per request (default info)",
    )
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="processes serving the port (default 1); the proxy keeps no state, any worker takes any request",
    )
    serve.add_argument(
        "--start-in-reasoning",
        action=argparse.BooleanOptionalAction,
        help="the template's prompt already opens the reasoning; default: as the dialect name implies",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="serve a replay of the bundled examples as the upstream, on the same port",
    )
    _server_options(serve, port=8000)
    serve.set_defaults(run=_cmd_serve)

    listing = verbs.add_parser("dialects", help="list the dialect names")
    listing.set_defaults(run=_cmd_dialects)

    fuzzing = verbs.add_parser(
        "fuzz", help="run the contract's property tests over the dialects for a time budget (test extra)"
    )
    fuzzing.add_argument(
        "--dialect",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="only these dialects (repeatable; default: all)",
    )
    fuzzing.add_argument(
        "--dialect-file",
        metavar="FILE",
        help="fuzz the dialect of a response_template (JSON, or a tokenizer_config.json); needs --like",
    )
    fuzzing.add_argument(
        "--token-suffix",
        metavar="SUFFIX",
        help="the suffix the checkpoint's tokenizer appends to every special token, e.g. ':opensource' for"
        " <tool_calls:opensource> (its tokenizer_config.json's token_suffix; Hunyuan hy_v3 / hy_v4)",
    )
    fuzzing.add_argument(
        "--like",
        metavar="NAME",
        help="the built-in dialect whose format the --dialect-file template describes (its renderer and cases)",
    )
    fuzzing.add_argument(
        "--property",
        action="extend",
        nargs="+",
        metavar="NAME",
        help="only these properties, e.g. mutated (repeatable; default: all)",
    )
    budget = fuzzing.add_mutually_exclusive_group()
    budget.add_argument(
        "--minutes", type=_positive_number, default=1.0, help="the time budget in minutes (default 1)"
    )
    budget.add_argument("--seconds", type=_positive_number, help="the time budget in seconds")
    fuzzing.add_argument(
        "--seed", type=int, default=None, help="seed of the hypothesis runs (default: random, reported)"
    )
    fuzzing.add_argument(
        "--jobs", type=_positive_int, default=1, help="processes to run in parallel (default 1)"
    )
    fuzzing.add_argument(
        "--target",
        action="extend",
        nargs="+",
        metavar="ENGINE:PARSER",
        help="fuzz an engine's own tool parser instead, vllm:NAME or sglang:NAME (the engine must be importable);"
        " --dialect then names the format to render if the parser's name is not one streamparse knows",
    )
    fuzzing.set_defaults(run=_cmd_fuzz)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for user errors)."""
    out = sys.stdout
    try:
        args = _build_parser().parse_args(argv)
        status: int = args.run(args, out)
        out.flush()
        return status
    except (_CliError, UsageError) as error:
        sys.stderr.write(f"streamparse: error: {error}\n")
        return error.status if isinstance(error, _CliError) else _EXIT_USAGE
    except SystemExit as stop:  # --help
        return stop.code if isinstance(stop.code, int) else 0
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, without a second error at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, out.fileno())
        except (OSError, ValueError):
            pass
        return 1
    except KeyboardInterrupt:
        return _EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
