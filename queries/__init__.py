"""The named queries shipped with graph_model.

The .rq files here are the source; setuptools installs this directory as the package
``graph_model.named_queries`` (see pyproject.toml), and this file makes it a regular package so
``importlib.resources`` finds it in a wheel and in an editable install alike.
"""
