"""Drop repeated <script> entries from each page.

With jupyter-book 1.0.4 on Sphinx 7.4, extensions that call ``app.add_js_file``
after the builder has started (sphinx-thebe, sphinx-togglebutton) have their
inline scripts emitted twice; the second ``const THEBE_JS_URL = ...`` is a
SyntaxError in every reader's console. This keeps the first of any identical
entries (same file or none, same inline body and attributes).
"""


def _key(script):
    # an inline script is registered once with filename None and once with ''
    if isinstance(script, str):
        return script
    return (script.filename or "", script.priority,
            tuple(sorted((k, str(v)) for k, v in script.attributes.items())))


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
