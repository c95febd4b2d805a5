"""streamparse inside inference engines: vLLM parser plugins and an SGLang detector.

Each module imports its engine at the top and is meant to be loaded by that
engine (or by its launcher), not imported by ``import streamparse``; neither
engine is a dependency of streamparse. See README "Inside vLLM and SGLang".
"""
