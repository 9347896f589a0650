"""Copy the widget JavaScript the book serves itself from web/node_modules to web/dist.

`make book` runs `npm ci` in web/ (versions pinned by package-lock.json), then this
script, which also copies our own web/widgets_setup.js beside them. Sphinx copies web/dist into the site root (`html_extra_path`), so the pages
load `_widgets/require.js` and `_widgets/embed-amd.js` from the site, never a CDN.
They stay outside `_static/`, where Jupyter Book would add a script tag for every
`.js` file to every page.
"""

import shutil
from pathlib import Path

WEB = Path(__file__).resolve().parent
SOURCE = WEB / "node_modules"
TARGET = WEB / "dist" / "_widgets"
FONT_SUFFIXES = {".woff", ".woff2", ".ttf", ".eot", ".svg"}


def main() -> None:
    manager = SOURCE / "@jupyter-widgets" / "html-manager" / "dist"
    files = [SOURCE / "requirejs" / "require.js", manager / "embed-amd.js",
             WEB / "widgets_setup.js"]
    # the widgets' CSS refers to these icon fonts by their hashed names
    files += [p for p in manager.iterdir() if p.suffix in FONT_SUFFIXES]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise SystemExit(f"missing after npm ci: {missing}")
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    # embed-amd.js looks for its icon fonts under <cdn>/@jupyter-widgets/html-manager/dist/,
    # the cdn being this folder (data-jupyter-widgets-cdn in _config.yml)
    fonts = TARGET / "@jupyter-widgets" / "html-manager" / "dist"
    fonts.mkdir(parents=True)
    for path in files:
        shutil.copy2(path, (fonts if path.suffix in FONT_SUFFIXES else TARGET) / path.name)
    print(f"copied {len(files)} files into {TARGET.relative_to(WEB.parent)}")


if __name__ == "__main__":
    main()
