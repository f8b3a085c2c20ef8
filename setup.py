"""The one part of the build that pyproject.toml cannot say: data/ and notebooks/ go into the wheel.

A checkout keeps ``data/`` and ``notebooks/`` at the top of the repository. A wheel
carries them inside the package, as ``widgets/_data`` and ``widgets/_notebooks``,
where :func:`widgets.core.data.data_dir` and
:func:`widgets.core.catalog.notebooks_dir` look first. Everything else about the
build is in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

#: package inside the wheel -> folder at the top of the checkout
BUNDLED = {"widgets._data": "data", "widgets._notebooks": "notebooks"}

# Each bundled folder and its subfolders (data/tables, ...) are listed as packages of
# data files, so that setuptools copies every file of them and warns about none.
data_packages = [
    f"{name}.{sub}" if sub else name
    for name, folder in BUNDLED.items()
    for sub in ["", *find_namespace_packages(where=folder)]
]

setup(
    packages=find_packages(include=["widgets", "widgets.*"]) + data_packages,
    package_dir=BUNDLED,
    # the figure widget's front end, read at run time by widgets.core.figures
    package_data={**{name: ["*"] for name in data_packages}, "widgets.core": ["*.js"],
                  "widgets.quiz.lms": ["schemas/*"]},
)
