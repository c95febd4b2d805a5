"""``streamparse.detect()``: a dialect from a model id and/or chat template markers.

The template snippets are minimal stand-ins written for these tests: the
few lines of each real template that carry its tool-call markup (checked
against the vendors' templates), not copies of them. Dialects are still
landing in parallel, so each case runs three ways: against the real
registry (the name when it is registered, else ``None`` with a reason),
and against a patched registry with and without the expected dialect.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest

import streamparse
from streamparse import Detection, UsageError

DETECT = importlib.import_module("streamparse.detect")

# DIALECTS.md's summary table; json_array (forced tool_choice) is never detected.
SUMMARY = (
    "kimi_k2",
    "minimax_m1",
    "hermes",
    "qwen3_coder",
    "llama3_json",
    "mistral",
    "deepseek_v3",
    "deepseek_v31",
    "glm45",
    "gpt_oss",
    "minimax_m2",
    "pythonic",
    "seed_oss",
)
# DIALECTS-MORE.md's dialects (issue 14).
MORE = ("deepseek_v32", "deepseek_v4", "deepseek_v41")
MORE += ("hunyuan_a13b", "cohere_command4", "granite", "granite_20b_fc")
MORE += ("kimi_k3",)
MORE += ("gemma4", "functiongemma")
# Issue 15, group B (XML-parameter families and ernie45).
MORE += ("ling3", "ernie45", "dots", "iquest_q1", "gigachat35", "minicpm5", "olmo3", "plamo3")
MORE += ("muse", "inkling", "beam")
# Built from existing machinery (issue 14).
MORE += ("mimo", "hy_v3", "hy_v4", "lfm2", "step3", "k2_horizon")
MORE += ("minimax_m3",)
MORE += ("longcat", "phi4_mini_json", "internlm", "xlam", "gigachat3", "apertus")  # issue 15, group B
# Dialects detected by model id only: no template of theirs was at hand to take a marker from.
# trinity's template is hermes's: the template rule for <tool_call> says hermes.
# muse_glimmer is told apart from muse by the model id only (both templates write ATEM).
MODEL_ID_ONLY = ("jamba", "trinity", "muse_glimmer")
# Formats detection recognises so that it can say they are not supported, instead of guessing.
KNOWN_UNSUPPORTED: tuple[str, ...] = ()
NEVER_DETECTED = ("json_array",)

TEMPLATES: dict[str, dict[str, str]] = {
    # DeepSeek's DSML templates build each tag from a token variable; all of them also read
    # message['tool_calls'].
    "deepseek_v32": {
        "history": (
            "{%- set dsml_token = '｜DSML｜' -%}{%- if message['tool_calls'] -%}"
            "{{ '\\n\\n<' + dsml_token + 'function_calls>\\n' }}{%- for tc in message['tool_calls'] -%}"
            "{{ '<' + dsml_token + 'invoke name=\"' + tc.function.name + '\">\\n' }}{%- endfor -%}"
            "{{ '</' + dsml_token + 'function_calls>' }}{%- endif -%}"
        ),
    },
    "deepseek_v4": {
        "history": (
            "{%- set dsml_token = '｜DSML｜' -%}{%- if message['tool_calls'] -%}"
            "{{ '\\n\\n<' + dsml_token + 'tool_calls>\\n' }}{%- for tc in message['tool_calls'] -%}"
            "{{ '<' + dsml_token + 'invoke name=\"' + tc.function.name + '\">\\n' }}{%- endfor -%}"
            "{{ '</' + dsml_token + 'tool_calls>' }}{%- endif -%}"
        ),
    },
    "deepseek_v41": {
        "token_with_space": (
            "{%- set dsml_token = '｜DSML｜ ' -%}{%- if message['tool_calls'] -%}"
            "{{ '<' + dsml_token + 'calls>' }}{%- endif -%}"
        ),
        "literal_tags": "{{ '<｜DSML｜ calls>\\n<｜DSML｜ invoke name=\"' + name + '\">' }}{# tool_calls> #}",
    },
    # Kimi K3's XTML: every tag is <|open|> or <|close|>, a word, then <|sep|>.
    "kimi_k3": {
        "history": (
            "{%- if message.tool_calls -%}<|open|>tools<|sep|>{%- for tc in message.tool_calls -%}"
            '<|open|>call tool="{{ tc.function.name | e }}" index="{{ loop.index }}"<|sep|>'
            "<|close|>call<|sep|>{%- endfor -%}<|close|>tools<|sep|>{%- endif -%}"
        ),
        "generation_prompt": "{%- if thinking -%}<|open|>think<|sep|>{%- else -%}<|open|>response<|sep|>{%- endif -%}",
    },
    # MiniMax-M3 writes every tag after its namespace, parameters as elements named after them.
    "minimax_m3": {
        "history": (
            "{%- set ns = ']<]minimax[>[' -%}{%- if message.tool_calls -%}"
            "{{ ns + '<tool_call>\\n' }}{%- for tc in message.tool_calls -%}"
            "{{ ns + '<invoke name=\"' + tc.function.name + '\">' }}{%- endfor -%}"
            "{{ ns + '</tool_call>' }}{%- endif -%}"
        ),
        "thinking": "<mm:think>{{ reasoning }}</mm:think>]<]minimax[>[<tool_call>",
    },
    "kimi_k2": {
        "history": (
            "{%- if message.tool_calls -%}<|tool_calls_section_begin|>"
            "{%- for tc in message.tool_calls -%}<|tool_call_begin|>{{ tc.id }}"
            "<|tool_call_argument_begin|>{{ tc.function.arguments }}<|tool_call_end|>"
            "{%- endfor -%}<|tool_calls_section_end|>{%- endif -%}"
        ),
        "thinking": "<|im_assistant|>assistant<|im_middle|><think>{{ rc }}</think>"
        "<|tool_calls_section_begin|>",
    },
    "minimax_m1": {
        "system_prompt": (
            "<beginning_of_sentence>system tool_setting=tools\n<tools>\n{{ tools }}\n</tools>\n"
            "To call tools, answer inside <tool_calls></tool_calls>, one object per line:\n"
            '<tool_calls>\n{"name": <tool-name>, "arguments": <args-json-object>}\n</tool_calls>'
        ),
    },
    "hermes": {
        "qwen": (
            "<tools>\n{{ tool | tojson }}\n</tools>\n"
            "Return each call as JSON inside <tool_call></tool_call> tags:\n"
            '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
        ),
        "qwen3_thinking": (
            "<|im_start|>assistant\n<think>\n{{ reasoning }}\n</think>\n\n"
            '{{- "<tool_call>\\n" + (tool_call | tojson) + "\\n</tool_call>" }}<tool_response>'
        ),
        "hermes_2_pro": '<tool_call>\n{"arguments": <args-dict>, "name": <function-name>}\n</tool_call>',
    },
    "qwen3_coder": {
        "prompt_and_history": (
            "<tools>\n<function>\n<name>{{ tool.name }}</name>\n</function>\n</tools>\n"
            "Reply in this format:\n<tool_call>\n<function=example_function_name>\n"
            "<parameter=example_parameter_1>\nvalue_1\n</parameter>\n</function>\n</tool_call>"
        ),
        "history_only": "{{- '\\n<tool_call>\\n<function=' + tc.name + '>\\n' }}"
        "{{- '<parameter=' + k + '>\\n' + v + '\\n</parameter>\\n' }}",
    },
    # Hunyuan's templates write each marker from the vocab (the suffix is left out here).
    "hy_v3": {
        "history": "{{- '<tool_calls>\\n' -}}{%- for tc in message.tool_calls -%}"
        "{{- '<tool_call>' ~ tc.function.name ~ '<tool_sep>\\n' -}}"
        "{{- '<arg_key>' ~ k ~ '</arg_key>\\n<arg_value>' ~ v ~ '</arg_value>\\n' -}}",
    },
    "hy_v4": {
        "history": "{{- '<tool_calls>\\n' -}}{%- for tc in message.tool_calls -%}"
        "{{- '<tool_call>' ~ tc.function.name ~ '\\n' -}}"
        "{{- '<arg_key>' ~ k ~ '</arg_key>\\n<arg_value>' ~ v ~ '</arg_value>\\n' -}}",
    },
    # LFM2's system prompt names the call markers.
    "lfm2": {
        "system_prompt": "List of tools: <|tool_list_start|>{{ tools | tojson }}<|tool_list_end|>"
        "{{- '<|tool_call_start|>' ~ message.tool_calls ~ '<|tool_call_end|>' -}}",
    },
    "step3": {
        "history": "{{- '<｜tool_calls_begin｜>\\n' -}}{%- for tc in message.tool_calls -%}"
        "{{- '<｜tool_call_begin｜>function<｜tool_sep｜><steptml:invoke name=\"' ~ tc.function.name ~ '\">\\n' -}}",
    },
    "k2_horizon": {
        "history": "{{- '<ifm|tool_calls>\\n' -}}{%- for tc in message.tool_calls -%}"
        "{{- '<ifm|tool_call>' ~ tc.function.name -}}{%- for k, v in tc.function.arguments|items -%}"
        "{{- '<ifm|arg_key>' ~ k ~ '</ifm|arg_key><ifm|arg_value>' ~ v ~ '</ifm|arg_value>' -}}",
    },
    # MiMo's template writes the block without newlines (the whole tag pair in one literal).
    "mimo": {
        "compact_history": "{{- '<tool_call><function=' ~ tool_call.name ~ '>' -}}"
        "{{- '<parameter=' ~ args_name ~ '>' ~ render_value(args_value) ~ '</parameter>' -}}"
        "{{- '</function></tool_call>' -}}",
    },
    "llama3_json": {
        "meta_3_1": (
            "Environment: ipython\n{%- if builtin_tools is defined %}<|python_tag|>"
            "{{ tool_call.name }}.call(...){%- endif %}"
            'Respond in the format {"name": function name, "parameters": dictionary of argument '
            "name and its value}. Do not use variables.<|eom_id|>"
        ),
        "json_prompt_only": (
            "<|header_start|>user<|header_end|>\n\nGiven the following functions, respond with JSON. "
            'Respond in the format {"name": function name, "parameters": dictionary of argument '
            "name and its value}.<|eot|>"
        ),
        "python_tag_only": "<|start_header_id|>assistant<|end_header_id|>\n\n<|python_tag|>{{ call }}<|eom_id|>",
    },
    "mistral": {
        "pre_v11": (
            "[AVAILABLE_TOOLS] {{ tools | tojson }}[/AVAILABLE_TOOLS]"
            "{{- '[TOOL_CALLS] [' }}{%- for tc in message.tool_calls %}{{ tc | tojson }}"
            "{%- endfor %}{{- ']' + eos_token }}"
        ),
        "v11": "[TOOL_CALLS]{{ tc.function.name }}[CALL_ID]{{ tc.id }}[ARGS]{{ tc.function.arguments }}",
        "magistral": "[SYSTEM_PROMPT][THINK]{{ thought }}[/THINK][TOOL_CALLS]{{ name }}[ARGS]{{ args }}",
    },
    "deepseek_v3": {
        "r1_history": (
            "{{'<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' "
            "+ tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] "
            "+ '\\n' + '```' + '<｜tool▁call▁end｜>'}}"
        ),
        "prompt": (
            "When a tool is needed, write:\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function"
            '<｜tool▁sep｜>FUNCTION_NAME\n```json\n{"param": "value"}\n```<｜tool▁call▁end｜>'
            "<｜tool▁calls▁end｜>"
        ),
    },
    "deepseek_v31": {
        "prompt": (
            "IMPORTANT: ALWAYS use this format:\n<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>"
            "tool_call_name<｜tool▁sep｜>tool_call_arguments<｜tool▁call▁end｜><｜tool▁calls▁end｜>"
        ),
        "history": (
            "{{'<｜tool▁call▁begin｜>' + tool['function']['name'] + '<｜tool▁sep｜>' "
            "+ tool['function']['arguments'] + '<｜tool▁call▁end｜>'}}<｜end▁of▁sentence｜>"
        ),
    },
    "glm45": {
        "glm_4_5": (
            "<tool_call>{{ tc.name }}\n{% for k, v in args.items() %}<arg_key>{{ k }}</arg_key>\n"
            "<arg_value>{{ v }}</arg_value>\n{% endfor %}</tool_call>"
        ),
        "glm_4_7": "<tool_call>{{ tc.name }}{% for k, v in args.items() %}<arg_key>{{ k }}</arg_key>"
        "<arg_value>{{ v }}</arg_value>{% endfor %}</tool_call>",
    },
    "gpt_oss": {
        "harmony": (
            "<|start|>assistant<|channel|>analysis<|message|>{{ thinking }}<|end|>"
            "<|start|>assistant to=functions.{{ name }}<|channel|>commentary <|constrain|>json"
            "<|message|>{{ args }}<|call|>"
        ),
    },
    "minimax_m2": {
        "history": (
            "]~b]ai\n<think>\n{{ reasoning }}\n</think>\n\n<minimax:tool_call>\n"
            '<invoke name="{{ name }}">\n<parameter name="{{ k }}">{{ v }}</parameter>\n</invoke>\n'
            "</minimax:tool_call>[e~[\n"
        ),
        # The model sometimes writes M1's wrapper; a template that mentions it is still M2's.
        "mentions_m1_wrapper": "Use <minimax:tool_call>, never <tool_calls>.",
    },
    "seed_oss": {
        "history": (
            "<seed:think>{{ reasoning }}</seed:think><seed:tool_call>\n<function={{ name }}>\n"
            "<parameter={{ k }}>{{ v }}</parameter>\n</function>\n</seed:tool_call>"
        ),
    },
    "pythonic": {
        "llama_3_2": (
            "To call functions, respond with a python list of the calls. Respond in the format "
            "[func_name1(params_name1=params_value1, params_name2=params_value2...), func_name2(params)] "
            "Do not use variables."
        ),
        # A Llama template carrying the pythonic prompt can still mention the JSON-era tag.
        "with_python_tag": (
            "Environment: ipython\n<|python_tag|>\n"
            "Use exact format: [func_name1(param1=value1, param2=value2), func_name2(...)]"
        ),
    },
    # Issue 14, the JSON call-object dialects.
    "hunyuan_a13b": {
        "system_prompt": (
            "你应该只在工具调用部分返回函数调用。如果你决定调用任何函数，你必须将其格式化为"
            '<tool_calls>[{"name": "func_name1", "arguments": {"argument1": "value1"}},...]</tool_calls>。'
        ),
        "history": "{{ '<|extra_0|>' }}{%- if m.tool_calls -%}{{ '<tool_calls>' + m.tool_calls | tojson + '</tool_calls>' }}",
    },
    "cohere_command4": {
        "history": (
            "<|START_THINKING|>{{ m.tool_plan }}<|END_THINKING|><|START_ACTION|>[\n"
            '{% for tc in m.tool_calls %}{"tool_call_id": "{{ loop.index0 }}", "tool_name": "{{ tc.name }}"}'
            "{% endfor %}]<|END_ACTION|><|END_OF_TURN_TOKEN|>"
        ),
    },
    "granite": {
        "granite_3": (
            "<|start_of_role|>assistant<|end_of_role|>{%- if m.tool_calls -%}"
            "<|tool_call|>{{ m.tool_calls | tojson }}{%- endif -%}<|end_of_text|>"
        ),
    },
    "granite_20b_fc": {
        "history": (
            "<|function_call_library|>{{ tools }}\nASSISTANT:{% for tc in m.tool_calls %}"
            "{{- '<function_call> ' + tc | tojson }}{% endfor %}<|endoftext|>"
        ),
    },
    # Gemma 4 renders earlier calls with its call token (the asymmetric <tool_call|> ends them).
    "gemma4": {
        "history": (
            "{%- for tool_call in message['tool_calls'] -%}"
            "{{- '<|tool_call>call:' + function['name'] + '{' -}}"
            "{{- key -}}:{{- format_argument(value, escape_keys=False) -}}"
            "{{- '}<tool_call|>' -}}{%- endfor -%}"
        ),
        "thinking": "{{- '<|channel>thought\\n' + thinking_text + '\\n<channel|>' -}}{{- '<|tool_call>call:' -}}",
    },
    "functiongemma": {
        "history": (
            "{%- for tool_call in message['tool_calls'] -%}"
            "{{- '<start_function_call>call:' + tool_call['function']['name'] + '{' -}}"
            "{{- key + ':<escape>' + value + '<escape>' -}}{{- '}<end_function_call>' -}}{%- endfor -%}"
        ),
    },
    "muse": {
        "history": (
            "{{- '<|start|>assistant to=' + tool_call.name + '<|message|><atem:function_calls>\\n' -}}"
            "{{- '<atem:invoke name=\"' + tool_call.name + '\">' -}}"
            "{{- '<atem:parameter name=\"' + key + '\">' + value + '</atem:parameter>' -}}"
            "{{- '</atem:invoke>\\n</atem:function_calls><|eom|>' -}}"
        ),
    },
    "inkling": {
        "history": (
            "{{- '<|message_model|>' + tool_call.name + '<|content_invoke_tool_json|>' -}}"
            "{{- {'name': tool_call.name, 'args': tool_call.arguments} | tojson -}}{{- '<|end_message|>' -}}"
        ),
    },
    # Harmony's tokens too: the rfl: tag must win over gpt_oss's <|channel|>.
    "beam": {
        "history": (
            "{{- '<|start|>assistant to=' + tool_call.name + '<|channel|>analysis <|constrain|>xml<|message|>' -}}"
            "{{- '<rfl:parameter name=\"' + key + '\">\\n' + value + '\\n</rfl:parameter>' -}}{{- '<|call|>' -}}"
        ),
    },
    # Issue 15, group B.
    "longcat": {
        "history": "{%- for tc in m.tool_calls -%}{{- '<longcat_tool_call>\\n' + tc | tojson + '\\n</longcat_tool_call>' }}{%- endfor -%}",
    },
    "phi4_mini_json": {
        "system_prompt": (
            "all function calls should be generated in a single JSON list formatted as "
            'functools[{"name": [function name], "arguments": [function arguments as JSON]}, ...]'
        ),
    },
    "internlm": {
        "history": "{{- '<|action_start|><|plugin|>\\n' + tc | tojson + '<|action_end|>' }}<|im_end|>",
    },
    "xlam": {
        "system_prompt": (
            "You have access to a set of tools. When using tools, make calls in a single JSON array: "
            '[{"name": "tool_call_name", "arguments": {"arg1": "value1"}}]'
        ),
    },
    "apertus": {
        "history": "{{- '<|tools_prefix|>' + tool_calls | tojson + '<|tools_suffix|>' }}",
    },
    "gigachat3": {
        "gigachat_3": "{{- '<|message_sep|>\\n\\nfunction call<|role_sep|>\\n' + tc | tojson }}",
        "gigachat_3_1": "{{- '<|function_call|>' + tc | tojson }}",
    },
}

# Issue 15: the block tags as their templates write them.
TEMPLATES["ling3"] = {
    "history": "{{- '<role>ASSISTANT</role>' }}{{- '<tool_call>' + tc.name }}{% for k, v in args.items() %}"
    "<arg_key>{{ k }}</arg_key><arg_value>{{ v }}</arg_value>{% endfor %}{{- '</tool_call><|role_end|>' }}",
}
TEMPLATES["ernie45"] = {
    "history": "{{- 'Assistant: ' }}{{- '<tool_call>\\n' + (tc | tojson) + '\\n</tool_call>' }}"
    "{{- '<|end_of_sentence|>' }}",
}
TEMPLATES["dots"] = {
    "history": "{{- '<dots_function_call>\\n<invoke name=\"' + tc.name + '\">\\n' }}{{- '</dots_function_call>' }}",
}
TEMPLATES["iquest_q1"] = {
    "history": "{{- '<iquest_tool_call>' + tc.name }}{% for k, v in args.items() %}<arg_key>{{ k }}</arg_key>"
    "<arg_value>{{ v }}</arg_value>{% endfor %}{{- '</iquest_tool_call>' }}",
}
TEMPLATES["minicpm5"] = {
    "history": "{{- '<function name=\"' + tc.name + '\">' }}{% for k, v in args.items() %}"
    "{{- '<param name=\"' + k + '\">' + v + '</param>' }}{% endfor %}{{- '</function>' }}",
}
TEMPLATES["olmo3"] = {
    "history": "{{- '<function_calls>' }}{% for tc in message.function_calls %}{{ tc.name }}(...)\\n"
    "{% endfor %}{{- '</function_calls>' }}",
}
TEMPLATES["plamo3"] = {
    "history": "{{- '<|plamo:begin_tool_requests:plamo|>' }}{% for tc in message.tool_calls %}"
    "{{- '<|plamo:begin_tool_request:plamo|><|plamo:begin_tool_name:plamo|>' + tc.name }}{% endfor %}",
}
TEMPLATES["gigachat35"] = {
    "history": "{{- '<\uff5cGCML\uff5ctool_calls>\\n<\uff5cGCML\uff5cinvoke name=\"' + tc.name + '\">' }}"
    "{{- '</\uff5cGCML\uff5ctool_calls>' }}{{ message['tool_calls'] }}",
}

TEMPLATE_CASES = [
    pytest.param(dialect, text, id=f"{dialect}-{name}")
    for dialect, snippets in TEMPLATES.items()
    for name, text in snippets.items()
]

MODELS: dict[str, tuple[str, ...]] = {
    "kimi_k2": (
        "moonshotai/Kimi-K2-Instruct",
        "moonshotai/Kimi-K2-Instruct-0905",
        "moonshotai/Kimi-K2-Thinking",
        "Kimi-K2.5",
    ),
    "minimax_m1": ("MiniMaxAI/MiniMax-M1-80k", "MiniMax-M1-40k"),
    "minimax_m2": ("MiniMaxAI/MiniMax-M2", "minimax-m2.5"),
    "minimax_m3": ("MiniMaxAI/MiniMax-M3", "minimax-m3:latest"),
    "seed_oss": ("ByteDance-Seed/Seed-OSS-36B-Instruct",),
    "hermes": (
        "Qwen/Qwen2.5-7B-Instruct",
        "Qwen3-8B",
        "Qwen/Qwen3-235B-A22B-Thinking-2507",
        "Qwen/QwQ-32B",
        "NousResearch/Hermes-3-Llama-3.1-8B",
        "NousResearch/Hermes-2-Pro-Mistral-7B",
        "qwen3:8b",
    ),
    "qwen3_coder": (
        "Qwen/Qwen3-Coder-480B-A35B-Instruct",
        "Qwen3-Coder-30B-A3B-Instruct",
        "qwen3-coder:30b",
        "Qwen/Qwen3.5-397B-A17B",
    ),
    "llama3_json": (
        "meta-llama/Llama-3.1-8B-Instruct",
        "meta-llama/Meta-Llama-3.1-70B-Instruct",
        "meta-llama/Llama-3.2-3B-Instruct",
        "meta-llama/Llama-3.3-70B-Instruct",
        "llama3.1:8b",
    ),
    "pythonic": ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "Llama-4-Maverick-17B-128E-Instruct"),
    "mistral": (
        "mistralai/Mistral-7B-Instruct-v0.3",
        "mistralai/Mixtral-8x22B-Instruct-v0.1",
        "mistralai/Mistral-Small-3.2-24B-Instruct-2506",
        "mistralai/Magistral-Small-2506",
        "mistralai/Devstral-Small-2507",
        "Ministral-8B-Instruct-2410",
    ),
    "deepseek_v3": (
        "deepseek-ai/DeepSeek-V3",
        "deepseek-ai/DeepSeek-V3-0324",
        "deepseek-ai/DeepSeek-R1",
        "deepseek-ai/DeepSeek-R1-0528",
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    ),
    "deepseek_v31": (
        "deepseek-ai/DeepSeek-V3.1",
        "deepseek-ai/DeepSeek-V3.1-Terminus",
        "deepseek-ai/DeepSeek-V3.2-Exp",
    ),
    "deepseek_v32": ("deepseek-ai/DeepSeek-V3.2", "DeepSeek-V3.2-Speciale"),
    "deepseek_v4": ("deepseek-ai/DeepSeek-V4", "deepseek-ai/DeepSeek-V4-Flash", "deepseek-v4:671b"),
    "deepseek_v41": ("deepseek-ai/DeepSeek-V4.1", "DeepSeek-V4.1-Flash", "deepseekv41"),
    "kimi_k3": ("moonshotai/Kimi-K3", "moonshotai/Kimi-K3-Instruct", "kimi-k3:latest"),
    "glm45": ("zai-org/GLM-4.5", "zai-org/GLM-4.5-Air", "zai-org/GLM-4.6", "GLM-4.7"),
    "hy_v3": ("tencent/Hy3-Instruct", "Hunyuan-3"),
    "hy_v4": ("tencent/Hy4", "hunyuan-v4"),
    "lfm2": ("LiquidAI/LFM2-1.2B", "LiquidAI/LFM2.5-1.2B-Thinking", "lfm2-8b-a1b"),
    "step3": ("stepfun-ai/step3", "stepfun-ai/step3-fp8"),
    "k2_horizon": ("MBZUAI-IFM/K2-V3-Horizon", "K2-Horizon"),
    "mimo": ("XiaomiMiMo/MiMo-V2-Flash", "MiMo-V2.6-Distill-Qwen-9B", "mimo-v2-flash"),
    "gpt_oss": ("openai/gpt-oss-20b", "openai/gpt-oss-120b", "gpt-oss:20b"),
    # Issue 14, the JSON call-object dialects.
    "hunyuan_a13b": ("tencent/Hunyuan-A13B-Instruct", "Hunyuan-A13B-Instruct-FP8"),
    "cohere_command4": (
        "CohereLabs/c4ai-command-a-03-2025",
        "CohereLabs/command-a-reasoning-08-2025",
        "CohereLabs/command-a-vision-07-2025",
    ),
    "granite": (
        "ibm-granite/granite-3.0-8b-instruct",
        "ibm-granite/granite-3.1-2b-instruct",
        "granite3.3:8b",
    ),
    "granite_20b_fc": ("ibm-granite/granite-20b-functioncalling",),
    "gemma4": ("google/gemma-4-31B-it", "google/gemma-4-26B-A4B-it", "gemma-4-E2B-it", "gemma4:e4b"),
    "functiongemma": ("google/functiongemma-270m-it", "functiongemma:270m"),
    # Issue 15, group B.
    "ling3": ("inclusionAI/Ling-3", "inclusionAI/Ling-3-flash"),
    "ernie45": ("baidu/ERNIE-4.5-21B-A3B-Thinking", "ERNIE-4.5-21B-A3B-PT"),
    "dots": ("rednote-hilab/dots.llm1.inst",),
    "iquest_q1": ("IQuestLab/IQuest-Q1",),
    "gigachat35": ("ai-sage/GigaChat3.5", "GigaChat-3.5-Ultra"),
    "minicpm5": ("openbmb/MiniCPM5", "MiniCPM-5-8B"),
    "olmo3": ("allenai/Olmo-3-7B-Instruct", "allenai/Olmo-3-32B-Think", "olmo-3:7b"),
    "plamo3": ("pfnet/plamo-3-nict-31b-base", "PLaMo-3-2B"),
    "muse": ("Muse-Spark", "muse-spark-1.1"),
    "muse_glimmer": ("Muse-Glimmer", "muse-glimmer:latest"),
    "inkling": ("Inkling", "inkling:latest"),
    "beam": ("Beam", "beam:latest"),
    # Issue 15, group B.
    "longcat": ("meituan-longcat/LongCat-Flash-Chat", "meituan-longcat/LongCat-Flash-Thinking"),
    "jamba": ("ai21labs/AI21-Jamba-Mini-1.6", "ai21labs/AI21-Jamba-Large-1.7"),
    "phi4_mini_json": ("microsoft/Phi-4-mini-instruct", "phi4-mini:3.8b"),
    "internlm": ("internlm/internlm2_5-7b-chat", "internlm/Intern-S1", "internlm/Intern-S1-mini"),
    "xlam": ("Salesforce/Llama-xLAM-2-8b-fc-r", "Salesforce/xLAM-2-32b-fc-r"),
    "gigachat3": ("ai-sage/GigaChat3-10B-A1.8B", "ai-sage/GigaChat3-702B-A36B-preview"),
    "apertus": ("swiss-ai/Apertus-8B-Instruct-2509", "swiss-ai/Apertus-70B-Instruct-2509"),
    "trinity": ("arcee-ai/Trinity-Large-Thinking", "arcee-ai/Trinity-Mini"),
}

MODEL_CASES = [
    pytest.param(dialect, model, id=f"{dialect}-{model}")
    for dialect, models in MODELS.items()
    for model in models
]

UNKNOWN_MODELS = (
    "meta-llama/Meta-Llama-3-8B-Instruct",  # Llama 3.0 had no tool-call format
    "google/gemma-3-27b-it",
    "microsoft/phi-4",
    "",
)


def registry(monkeypatch: pytest.MonkeyPatch, names: set[str]) -> None:
    """Make detection see exactly these registered dialects."""
    monkeypatch.setattr(DETECT, "dialects", lambda: sorted(names))


def unsupported(name: str) -> str:
    return f"looks like {name}, which this version of streamparse does not support"


def expect(found: Detection, name: str) -> None:
    """The name when it is registered, else None with a reason that names it."""
    if name in streamparse.dialects():
        assert found.dialect == name, found.reason
        assert unsupported(name) not in found.reason
    else:
        assert found.dialect is None
        assert unsupported(name) in found.reason


ALL = set(SUMMARY) | set(MORE) | set(KNOWN_UNSUPPORTED) | set(MODEL_ID_ONLY)


# --- chat templates ---------------------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "template"), TEMPLATE_CASES)
def test_template_snippet_with_the_real_registry(dialect: str, template: str) -> None:
    found = streamparse.detection(chat_template=template)
    expect(found, dialect)
    assert found.reason.startswith("chat template contains ")
    assert streamparse.detect(chat_template=template) == found.dialect


@pytest.mark.parametrize(("dialect", "template"), TEMPLATE_CASES)
def test_template_snippet_when_registered(
    dialect: str, template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry(monkeypatch, ALL)
    found = streamparse.detection(chat_template=template)
    assert found.dialect == dialect, found.reason
    # The reason quotes markers the template really contains.
    quoted = found.reason.removeprefix("chat template contains ").split(" and ")
    assert quoted and all(marker.strip("'") in template for marker in quoted)


@pytest.mark.parametrize(("dialect", "template"), TEMPLATE_CASES)
def test_template_snippet_when_not_registered(
    dialect: str, template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry(monkeypatch, ALL - {dialect})
    found = streamparse.detection(chat_template=template)
    # Another dialect's weaker markers must not take over: the template points at one format.
    assert found.dialect is None, found.reason
    assert unsupported(dialect) in found.reason


@pytest.mark.parametrize(
    ("template", "also_contains", "dialect"),
    [
        (TEMPLATES["qwen3_coder"]["prompt_and_history"], "<tool_call>", "qwen3_coder"),
        (TEMPLATES["glm45"]["glm_4_5"], "<tool_call>", "glm45"),
        (TEMPLATES["deepseek_v3"]["r1_history"], "<｜tool▁sep｜>", "deepseek_v3"),
        (TEMPLATES["minimax_m2"]["mentions_m1_wrapper"], "<tool_calls>", "minimax_m2"),
        (TEMPLATES["pythonic"]["with_python_tag"], "<|python_tag|>", "pythonic"),
        (TEMPLATES["kimi_k2"]["thinking"], "<think>", "kimi_k2"),
    ],
)
def test_overlapping_markers_resolve_to_the_specific_format(
    template: str, also_contains: str, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert also_contains in template
    registry(monkeypatch, ALL)
    assert streamparse.detect(chat_template=template) == dialect


def test_deepseek_v31_templates_have_no_fence() -> None:
    # The one difference detection relies on between the two DeepSeek layouts.
    for template in TEMPLATES["deepseek_v31"].values():
        assert "<｜tool▁sep｜>" in template and "```" not in template


@pytest.mark.parametrize(
    ("block", "dialect"),
    [("function_calls>", "deepseek_v32"), ("tool_calls>", "deepseek_v4"), (" calls>", "deepseek_v41")],
)
def test_dsml_templates_by_their_block_tag(block: str, dialect: str) -> None:
    # Every DeepSeek template also reads message['tool_calls']: the block tag decides.
    template = (
        "{%- set dsml_token = '｜DSML｜' -%}{{ message['tool_calls'] }}{{ '<' + dsml_token + '"
        + block
        + "' }}"
    )
    assert streamparse.detect(chat_template=template) == dialect


@pytest.mark.parametrize(
    ("model", "dialect"),
    [
        ("deepseek-ai/DeepSeek-V3.2-Exp", "deepseek_v31"),  # still V3.1's format
        ("deepseek-ai/DeepSeek-V3.2", "deepseek_v32"),
        ("deepseek-ai/DeepSeek-V4-Pro", "deepseek_v4"),
        ("deepseek-ai/DeepSeek-V4.1", "deepseek_v41"),
        ("stepfun-ai/step3", "step3"),
        ("stepfun-ai/Step-3.5-Flash", "qwen3_coder"),  # the later StepFun models write qwen3_coder's XML
        ("stepfun-ai/Step-3.7", "qwen3_coder"),
    ],
)
def test_deepseek_generations_by_model_id(model: str, dialect: str) -> None:
    assert streamparse.detect(model) == dialect


@pytest.mark.parametrize(
    "template",
    [
        "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}",
        "",
        "<tool_calls",  # half a marker is no marker
    ],
)
def test_template_without_known_markers(template: str) -> None:
    found = streamparse.detection(chat_template=template)
    assert found.dialect is None
    assert "chat template has no tool-call markers" in found.reason
    assert "streamparse.dialects()" in found.reason


# --- model ids --------------------------------------------------------------------------------


@pytest.mark.parametrize(("dialect", "model"), MODEL_CASES)
def test_model_id_with_the_real_registry(dialect: str, model: str) -> None:
    found = streamparse.detection(model=model)
    expect(found, dialect)
    assert found.reason.startswith(f"model id {model!r} matches ")


@pytest.mark.parametrize(("dialect", "model"), MODEL_CASES)
def test_model_id_when_registered(dialect: str, model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    registry(monkeypatch, ALL)
    assert streamparse.detect(model=model) == dialect
    registry(monkeypatch, ALL - {dialect})
    found = streamparse.detection(model=model)
    assert found.dialect is None
    assert unsupported(dialect) in found.reason


@pytest.mark.parametrize(
    "spelling",
    ["QWEN/QWEN3-8B", "qwen/qwen3-8b", "Qwen3-8B", "qwen3_8b", "qwen3 8b", "/models/Qwen3-8B", "qwen3:8b"],
)
def test_model_id_ignores_case_organisation_and_separators(
    spelling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry(monkeypatch, ALL)
    assert streamparse.detect(model=spelling) == "hermes"


@pytest.mark.parametrize(
    ("spelling", "dialect"),
    [
        ("Qwen3_Coder_30B_A3B", "qwen3_coder"),
        ("kimi_k2_instruct", "kimi_k2"),
        ("GPT OSS 120B", "gpt_oss"),
        ("DeepSeek_V3.1", "deepseek_v31"),
        ("MiniMax M2", "minimax_m2"),
    ],
)
def test_separators_inside_a_family_name(
    spelling: str, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry(monkeypatch, ALL)
    assert streamparse.detect(model=spelling) == dialect


def test_organisation_is_not_evidence(monkeypatch: pytest.MonkeyPatch) -> None:
    registry(monkeypatch, ALL)
    assert streamparse.detect(model="mistralai/unknown-model") is None
    assert streamparse.detect(model="Qwen/Qwen-7B-Chat") is None


@pytest.mark.parametrize("model", UNKNOWN_MODELS)
def test_unknown_model_id(model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    registry(monkeypatch, ALL)
    found = streamparse.detection(model=model)
    assert found.dialect is None
    assert f"model id {model!r} matches no model family" in found.reason


# --- both, and precedence ---------------------------------------------------------------------


def test_template_outranks_a_disagreeing_model_id(monkeypatch: pytest.MonkeyPatch) -> None:
    registry(monkeypatch, ALL)
    found = streamparse.detection(
        model="Qwen/Qwen3-8B", chat_template=TEMPLATES["qwen3_coder"]["history_only"]
    )
    assert found.dialect == "qwen3_coder"
    assert "the template outranks model id 'Qwen/Qwen3-8B'" in found.reason
    assert "(hermes)" in found.reason


def test_template_outranks_the_model_id_even_when_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    registry(monkeypatch, ALL - {"qwen3_coder"})
    found = streamparse.detection(
        model="Qwen/Qwen3-8B", chat_template=TEMPLATES["qwen3_coder"]["history_only"]
    )
    assert found.dialect is None
    assert unsupported("qwen3_coder") in found.reason
    assert "outranks" in found.reason


def test_agreeing_evidence_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    registry(monkeypatch, ALL)
    found = streamparse.detection(
        model="moonshotai/Kimi-K2-Instruct", chat_template=TEMPLATES["kimi_k2"]["history"]
    )
    assert found == Detection(
        "kimi_k2",
        "chat template contains '<|tool_calls_section_begin|>'; model id 'moonshotai/Kimi-K2-Instruct' agrees",
    )


def test_model_id_decides_when_the_template_has_no_markers(monkeypatch: pytest.MonkeyPatch) -> None:
    registry(monkeypatch, ALL)
    found = streamparse.detection(model="zai-org/GLM-4.6", chat_template="{{ messages }}")
    assert found.dialect == "glm45"
    assert found.reason == (
        "model id 'zai-org/GLM-4.6' matches 'glm4.6'; the chat template has no tool-call markers streamparse knows"
    )


def test_neither_matches() -> None:
    found = streamparse.detection(model="acme/Widget-7B", chat_template="{{ messages }}")
    assert found.dialect is None
    assert "chat template has no tool-call markers" in found.reason
    assert "model id 'acme/Widget-7B' matches no model family" in found.reason


# --- API --------------------------------------------------------------------------------------


def test_detect_is_the_dialect_of_detection() -> None:
    for model in ("Qwen/Qwen3-8B", "moonshotai/Kimi-K2-Instruct", "acme/Widget-7B"):
        assert streamparse.detect(model) == streamparse.detection(model).dialect


def test_detection_is_an_immutable_pair() -> None:
    found = streamparse.detection(model="Qwen/Qwen3-8B")
    dialect, reason = found
    assert (dialect, reason) == (found.dialect, found.reason)
    with pytest.raises(AttributeError):
        found.dialect = "kimi_k2"  # type: ignore[misc]


def test_no_evidence_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="model=.*chat_template="):
        streamparse.detect()
    with pytest.raises(ValueError):  # UsageError is a ValueError too
        streamparse.detection(None, None)


@pytest.mark.parametrize(
    ("kwargs", "fix"),
    [
        ({"model": 7}, "model id"),
        ({"chat_template": [{"name": "tool_use", "template": "..."}]}, "'tool_use'"),
        ({"model": "Qwen/Qwen3-8B", "chat_template": b"<tool_call>"}, "template text"),
    ],
)
def test_wrong_types_are_usage_errors(kwargs: dict[str, Any], fix: str) -> None:
    with pytest.raises(UsageError, match=fix):
        streamparse.detection(**kwargs)


# --- the rule tables ---------------------------------------------------------------------------


def test_every_summary_dialect_has_template_and_model_rules() -> None:
    template_dialects = {rule.dialect for rule in DETECT._TEMPLATE_RULES}
    model_dialects = {rule.dialect for rule in DETECT._MODEL_RULES}
    assert set(SUMMARY) | set(MORE) <= template_dialects
    assert set(SUMMARY) | set(MORE) <= model_dialects
    assert template_dialects | model_dialects == ALL
    assert set(TEMPLATES) == set(SUMMARY) | set(MORE)
    assert set(MODELS) == ALL


def test_every_registered_dialect_can_be_detected() -> None:
    detectable = {rule.dialect for rule in DETECT._TEMPLATE_RULES}
    assert set(streamparse.dialects()) - set(NEVER_DETECTED) - set(MODEL_ID_ONLY) <= detectable


def test_the_docstring_documents_every_rule() -> None:
    doc = DETECT.__doc__
    assert doc is not None
    for template_rule in DETECT._TEMPLATE_RULES:
        assert template_rule.dialect in doc
        for marker in template_rule.markers:
            assert marker in doc, marker
    for model_rule in DETECT._MODEL_RULES:
        for name in model_rule.names:
            assert f"``{name}``" in doc, name


def test_model_names_are_squeezed_lowercase() -> None:
    # A name with a separator or a capital could never match the squeezed id.
    for rule in DETECT._MODEL_RULES:
        for name in rule.names:
            assert name == name.lower() and not set(name) & set("-_ /"), name


# --- Granite generations, and the JSON call-object dialects beside look-alikes ----------------


@pytest.mark.parametrize(
    ("model", "dialect"),
    [
        ("ibm-granite/granite-3.1-8b-instruct", "granite"),
        ("ibm-granite/granite-4.0-h-small", "hermes"),  # vLLM granite4: Hermes blocks
        ("ibm-granite/granite-4.1-8b", "hermes"),
        ("ibm-granite/granite-4.2-8b", "qwen3_coder"),  # Nemotron-V3's XML
        ("ibm-granite/granite-20b-functioncalling", "granite_20b_fc"),
    ],
)
def test_granite_generations_by_model_id(model: str, dialect: str) -> None:
    assert streamparse.detect(model) == dialect


def test_granite_4_template_is_hermes() -> None:
    template = (
        "<|start_of_role|>assistant<|end_of_role|>{%- for tc in m.tool_calls -%}"
        "<tool_call>\n{{ tc | tojson }}\n</tool_call>{%- endfor -%}<|end_of_text|>"
    )
    assert streamparse.detect(chat_template=template) == "hermes"


def test_minimax_m1_template_is_not_hunyuan() -> None:
    assert streamparse.detect(chat_template=TEMPLATES["minimax_m1"]["system_prompt"]) == "minimax_m1"


# -- checkpoints whose special tokens carry a suffix (Hunyuan's <tool_calls:opensource>) ---------

_HY3_TEMPLATE = "{{- '<tool_calls>' }}<tool_call>{{ name }}<tool_sep><arg_key>{{ k }}</arg_key>"


@pytest.mark.parametrize(
    ("config", "evidence"),
    [
        ({"chat_template": _HY3_TEMPLATE, "token_suffix": ":opensource"}, "chat template contains"),
        (  # only the vocab spells it, as SGLang reads it
            {
                "chat_template": _HY3_TEMPLATE,
                "added_tokens_decoder": {"7": {"content": "</arg_key:opensource>", "special": True}},
            },
            "chat template contains",
        ),
        (  # the template spells the markers with the suffix
            {"chat_template": _HY3_TEMPLATE.replace(">", ":opensource>")},
            "once its tags' suffixes are taken off",
        ),
    ],
)
def test_a_suffixed_checkpoint_gets_the_dialect_with_its_suffix(
    config: dict[str, Any], evidence: str
) -> None:
    found = streamparse.detection(tokenizer_config=config)
    assert found.dialect == streamparse.with_token_suffix("hy_v3", ":opensource")
    assert evidence in found.reason and "':opensource'" in found.reason


def test_a_token_suffix_of_a_dialect_without_suffixes_is_ignored() -> None:
    config = {"chat_template": "<tool_call>\n{{ tool | tojson }}\n</tool_call>", "token_suffix": ":x"}
    assert streamparse.detect(tokenizer_config=config) == "hermes"


def test_a_token_suffix_that_cannot_apply_says_why() -> None:
    found = streamparse.detection(tokenizer_config={"chat_template": _HY3_TEMPLATE, "token_suffix": "x"})
    assert found.dialect is None and "looks like hy_v3" in found.reason and "pass ':x'" in found.reason
