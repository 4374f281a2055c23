"""One write layer: nothing outside the service modules saves, updates or deletes articles, pictures or alerts.

The scan reads every production module (``backend``, ``config``, ``devtools``, ``newsapi``,
``notifications``; not tests, not migrations) and reports each call of a writing method
(``save``, ``delete``, ``update``, ``create``, ``bulk_create``, ``bulk_update``,
``get_or_create``, ``update_or_create``, and a related manager's ``add``/``set``/``remove``/
``clear``) whose receiver is one of those rows:

- rooted in the model (``Article.objects.filter(...).update(...)``, ``Alert(...).save()``);
- held in a name that conventionally names one (``article``, ``hero_image``, ``alerts``,
  ``self.rendition``, ``delivery.alert``);
- a local variable bound from the model or annotated with it (``x = Article.objects.get(...)``,
  ``def f(queryset: QuerySet[Alert])``);
- inside an admin or form class of one of those models: ``obj``, ``objs``, ``queryset``, ``qs``,
  ``instance`` and ``self.instance``; ``form.save()`` that commits; ``super().save_model()``,
  ``super().delete_model()``, ``super().delete_queryset()`` (the admin's own writes);

and any SQL text that inserts into, updates or deletes from their tables.
"""

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGES = ("backend", "config", "devtools", "newsapi", "notifications")

# The modules that are the write layer, each with why it may write these rows.
SERVICE_MODULES = {
    "newsapi/services.py": "the editorial services: articles are created, edited, published, scheduled, "
    "withdrawn and deleted here, each asking the article policy",
    "newsapi/images.py": "the image services: pictures are uploaded, edited and deleted here, and their "
    "renditions built; a change to a picture moves the articles that show it",
    "notifications/services.py": "the alert services: alerts are composed, queued, cancelled, deleted and "
    "stopped on withdrawal here, each asking the alert policy",
    "notifications/delivery.py": "the delivery engine: it claims alerts with conditional UPDATEs and keeps "
    "their counters as batches are sent",
    "notifications/devices.py": "the device services (registration, refresh, hygiene): the write layer of "
    "the push app's other rows, a service module like the two above",
}
# Single functions outside those modules that write one of the rows, each with why.
SERVICE_FUNCTIONS = {
    ("newsapi/models.py", "Article._write_search_index"): "the search index derived from the saved text and the "
    "tags' and authors' names (newsapi.search), written by Article.save right after the row, or by "
    "Article.refresh_search_index after a service changed the tags or authors",
}

MODELS = {
    "newsapi.models": {"Article", "Image", "ImageRendition"},
    "notifications.models": {"Alert"},
}
MODEL_NAMES = set().union(*MODELS.values())
WRITES = {"save", "delete", "update", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
RELATED_WRITES = {"add", "set", "remove", "clear"}
ADMIN_WRITES = {"save_model", "delete_model", "delete_queryset"}
# A variable named for one of the rows: article, articles, hero_image, old_alert, self.rendition, alert_qs.
CONVENTIONAL = re.compile(r"^(?:[a-z0-9]+_)*(?:article|image|alert|rendition)s?(?:_(?:qs|queryset))?$")
# Inside an admin or form class of one of the models these name its rows.
CLASS_NAMES = {"obj", "objs", "queryset", "qs", "instance"}
TABLES = "newsapi_article|newsapi_image|newsapi_imagerendition|notifications_alert"
SQL_WRITE = re.compile(rf"\b(?:insert\s+into|update|delete\s+from)\s+[\"`]?(?:{TABLES})\b", re.IGNORECASE)


@dataclass
class Offence:
    line: int
    scope: str  # the dotted name of the enclosing class and function, "" at module level
    what: str


@dataclass
class _Scope:
    name: str
    guarded: set[str] = field(default_factory=set)
    model_class: bool = False  # an admin or form class of a guarded model, or a function in one
    through_services: bool = False  # a class mixing in SavesThroughServices: its super().save_model() is that


class WriteScanner(ast.NodeVisitor):
    """Collects the ``Offence``s of one module's source."""

    def __init__(self, source: str) -> None:
        self.tree = ast.parse(source)
        self.offences: list[Offence] = []
        self.models = self._model_bindings(self.tree)
        self.scopes: list[_Scope] = [_Scope("")]

    def scan(self) -> list[Offence]:
        self.visit(self.tree)
        return self.offences

    # --- What names a guarded model ----------------------------------------------------------------

    @staticmethod
    def _model_bindings(tree: ast.Module) -> dict[str, bool]:
        """Which imported names are the project's models (``Image``) and which only look like one (PIL's)."""
        bindings: dict[str, bool] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    bound = alias.asname or alias.name
                    bindings[bound] = alias.name in MODELS.get(node.module or "", set())
                    if node.module in ("newsapi", "notifications") and alias.name == "models":
                        bindings[bound] = True  # the models module itself: models.Article
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    bindings[alias.asname or alias.name.split(".")[0]] = False
        return bindings

    def _is_model(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            if node.id in self.models:
                return self.models[node.id] and node.id in MODEL_NAMES
            return node.id in MODEL_NAMES  # defined in this module (models.py itself)
        if isinstance(node, ast.Attribute) and node.attr in MODEL_NAMES:
            base = self._dotted(node.value)
            return base in ("newsapi.models", "notifications.models") or self.models.get(base, False)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value in MODEL_NAMES  # a string annotation
        return False

    @staticmethod
    def _dotted(node: ast.AST) -> str:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name):
            parts.append(node.id)
        return ".".join(reversed(parts))

    def _mentions_model(self, node: ast.AST | None) -> bool:
        return node is not None and any(self._is_model(sub) for sub in ast.walk(node))

    # --- Receivers ---------------------------------------------------------------------------------

    @staticmethod
    def _chain(node: ast.AST) -> list[ast.AST]:
        """The receiver from its root outwards: ``a.b(x).c[0]`` gives [a, a.b, a.b(x), a.b(x).c, ...]."""
        chain = []
        while True:
            chain.append(node)
            if isinstance(node, ast.Attribute | ast.Subscript):
                node = node.value
            elif isinstance(node, ast.Call):
                node = node.func
            else:
                return list(reversed(chain))

    def _guarded_names(self) -> set[str]:
        names: set[str] = set()
        for scope in self.scopes:
            names |= scope.guarded
        if self.scopes[-1].model_class:
            names |= CLASS_NAMES
        return names

    def _receiver_is_guarded(self, receiver: ast.AST) -> bool:
        chain = self._chain(receiver)
        root = chain[0]
        if any(self._is_model(link) for link in chain):
            return True
        if isinstance(root, ast.Name) and (CONVENTIONAL.match(root.id) or root.id in self._guarded_names()):
            return True
        attributes = [link.attr for link in chain if isinstance(link, ast.Attribute)]
        if any(CONVENTIONAL.match(name) for name in attributes):
            return True
        in_model_class = self.scopes[-1].model_class
        return (
            in_model_class
            and isinstance(root, ast.Name)
            and root.id == "self"
            and bool(attributes)
            and attributes[0] in ("instance", "object")
        )

    # --- Scopes ------------------------------------------------------------------------------------

    def _is_model_class(self, node: ast.ClassDef) -> bool:
        """An admin, inline or form class whose model (its first type argument, ``model = ...`` or
        ``@admin.register(...)``) is a guarded one."""
        for base in node.bases:
            if isinstance(base, ast.Subscript):
                first = base.slice.elts[0] if isinstance(base.slice, ast.Tuple) else base.slice
                if self._is_model(first):
                    return True
        for decorator in node.decorator_list:
            registers = isinstance(decorator, ast.Call) and self._dotted(decorator.func).endswith("register")
            if registers and any(self._is_model(arg) for arg in decorator.args):
                return True
        return any(
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "model" for t in statement.targets)
            and self._is_model(statement.value)
            for statement in ast.walk(node)
        )

    def _qualname(self, name: str) -> str:
        outer = self.scopes[-1].name
        return f"{outer}.{name}" if outer else name

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        through_services = any(self._dotted(base).endswith("SavesThroughServices") for base in node.bases)
        scope = _Scope(self._qualname(node.name), model_class=self._is_model_class(node))
        scope.through_services = through_services
        self.scopes.append(scope)
        self.generic_visit(node)
        self.scopes.pop()

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = self.scopes[-1]
        scope = _Scope(self._qualname(node.name), model_class=outer.model_class)
        scope.through_services = outer.through_services
        arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
        scope.guarded = {a.arg for a in arguments if self._mentions_model(a.annotation)}
        self.scopes.append(scope)
        self._bind_locals(node, scope)
        self.generic_visit(node)
        self.scopes.pop()

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def _bind_locals(self, function: ast.AST, scope: _Scope) -> None:
        """Local names bound from a guarded expression, to a fixed point (``qs = Article.objects; x = qs.get()``).

        A binding's value is None when its annotation names a model (``row: Article = ...``).
        """
        bindings: list[tuple[ast.AST, ast.AST | None]] = []
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                bindings += [(target, node.value) for target in node.targets]
            elif isinstance(node, ast.AnnAssign):
                annotated = self._mentions_model(node.annotation)
                if annotated or node.value is not None:
                    bindings.append((node.target, None if annotated else node.value))
            elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
                bindings.append((node.target, node.iter))
            elif isinstance(node, ast.NamedExpr):
                bindings.append((node.target, node.value))
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                bindings.append((node.optional_vars, node.context_expr))
        self.scopes.append(scope)
        try:
            changed = True
            while changed:
                changed = False
                for target, value in bindings:
                    if value is not None and not self._receiver_is_guarded(value):
                        continue
                    for name in ast.walk(target):
                        if isinstance(name, ast.Name) and name.id not in scope.guarded:
                            scope.guarded.add(name.id)
                            changed = True
        finally:
            self.scopes.pop()

    # --- Writes ------------------------------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute):
            self._check_call(node, node.func)
        self.generic_visit(node)

    def _check_call(self, node: ast.Call, func: ast.Attribute) -> None:
        method, receiver = func.attr, func.value
        in_model_class = self.scopes[-1].model_class
        is_super = isinstance(receiver, ast.Call) and self._dotted(receiver.func) == "super"
        if is_super:
            through_services = self.scopes[-1].through_services and method == "save_model"
            if in_model_class and method in ADMIN_WRITES and not through_services:
                self._offend(node, f"super().{method}(): the admin's own write")
            return
        commits = not any(
            kw.arg == "commit" and isinstance(kw.value, ast.Constant) and kw.value.value is False
            for kw in node.keywords
        )
        if in_model_class and method == "save" and self._dotted(receiver) == "form" and commits:
            self._offend(node, "form.save(): the model form's own write")
            return
        if method in WRITES and self._receiver_is_guarded(receiver):
            self._offend(node, f"{ast.unparse(func)}()")
        elif (
            method in RELATED_WRITES
            and isinstance(receiver, ast.Attribute)
            and self._receiver_is_guarded(receiver.value)
        ):
            self._offend(node, f"{ast.unparse(func)}(): a related manager's write")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and SQL_WRITE.search(node.value):
            self._offend(node, f"SQL write: {node.value[:60]!r}")

    def _offend(self, node: ast.AST, what: str) -> None:
        self.offences.append(Offence(getattr(node, "lineno", 0), self.scopes[-1].name, what))


def write_offences(source: str) -> list[Offence]:
    return WriteScanner(source).scan()


def production_modules() -> Iterator[Path]:
    for package in PACKAGES:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" not in path.relative_to(BASE_DIR).parts:
                yield path


def _allowed(relative: str, offence: Offence) -> bool:
    if relative in SERVICE_MODULES:
        return True
    return any(
        path == relative and (offence.scope == function or offence.scope.startswith(f"{function}."))
        for path, function in SERVICE_FUNCTIONS
    )


def test_nothing_outside_the_services_writes_articles_images_or_alerts():
    offenders = []
    for path in production_modules():
        relative = path.relative_to(BASE_DIR).as_posix()
        for offence in write_offences(path.read_text()):
            if not _allowed(relative, offence):
                offenders.append(f"{relative}:{offence.line} in {offence.scope or 'module'}: {offence.what}")
    assert offenders == [], "Route these writes through a service:\n" + "\n".join(offenders)


def test_every_allowed_module_and_function_exists():
    """The allow-lists cannot rot into permission for a file or function that is gone (or was renamed)."""
    for relative in SERVICE_MODULES:
        assert (BASE_DIR / relative).is_file(), relative
    for relative, function in SERVICE_FUNCTIONS:
        scanner = WriteScanner((BASE_DIR / relative).read_text())
        names = set()
        for node in ast.walk(scanner.tree):
            if isinstance(node, ast.ClassDef):
                names |= {f"{node.name}.{item.name}" for item in node.body if isinstance(item, ast.FunctionDef)}
        assert function in names, f"{relative} has no {function}"


def test_the_scan_covers_the_apps_and_skips_migrations():
    scanned = {path.relative_to(BASE_DIR).as_posix() for path in production_modules()}

    assert {"newsapi/admin.py", "notifications/admin.py", "devtools/demo/seed.py", "newsapi/tasks.py"} <= scanned
    assert not any("migrations" in path for path in scanned)


MODELS_IMPORT = "from newsapi.models import Article, Image, ImageRendition\nfrom notifications.models import Alert\n"

FORBIDDEN = {
    "model save": "Article(title='x').save()",
    "manager create": "Alert.objects.create(title='x')",
    "queryset update": "Alert.objects.filter(state='queued').update(state='cancelled')",
    "queryset delete": "Article.objects.filter(published_at__isnull=True).delete()",
    "bulk create": "ImageRendition.objects.bulk_create(rows)",
    "bulk update": "Article.objects.bulk_update(rows, ['title'])",
    "get or create": "Image.objects.get_or_create(caption='x')",
    "update or create": "Alert.objects.update_or_create(pk=1, defaults={'title': 'x'})",
    "models module": "from newsapi import models\nmodels.Article.objects.all().delete()",
    "conventional name": "def f(article):\n    article.save()",
    "plural name": "def f(alerts):\n    alerts.update(state='cancelled')",
    "prefixed name": "def f(hero_image):\n    hero_image.delete()",
    "attribute of self": "class X:\n    def f(self):\n        self.rendition.save()",
    "attribute of another row": "def f(delivery):\n    delivery.alert.save(update_fields=['sent'])",
    "file of an image": "def f(image, content):\n    image.file.save('x.jpg', content)",
    "related manager": "def f(article, tags):\n    article.tags.set(tags)",
    "annotated parameter": "def f(queryset: QuerySet[Article]):\n    queryset.delete()",
    "string annotation": "def f(row: 'Alert'):\n    row.save()",
    "bound from the model": "def f():\n    row = Article.objects.get(pk=1)\n    row.save()",
    "bound through a variable": (
        "def f():\n    qs = Alert.objects.all()\n    drafts = qs.filter(state='draft')\n    drafts.delete()"
    ),
    "loop over the model": "def f():\n    for row in Image.objects.all():\n        row.delete()",
    "annotated local": "def f(pk):\n    row: Alert = load(pk)\n    row.save()",
    "admin obj": (
        "@admin.register(Image)\nclass ImageAdmin(admin.ModelAdmin):\n"
        "    def save_model(self, request, obj, form, change):\n        obj.save()"
    ),
    "admin queryset": (
        "class ArticleAdmin(admin.ModelAdmin[Article]):\n"
        "    def delete_queryset(self, request, queryset):\n        queryset.filter(x=1).delete()"
    ),
    "admin default delete beside the mixin": (
        "class ArticleAdmin(SavesThroughServices, admin.ModelAdmin[Article]):\n"
        "    def delete_model(self, request, obj):\n        super().delete_model(request, obj)"
    ),
    "admin default save": (
        "class ImageAdmin(admin.ModelAdmin[Image]):\n"
        "    def save_model(self, request, obj, form, change):\n        super().save_model(request, obj, form, change)"
    ),
    "form save": (
        "class AlertForm(forms.ModelForm):\n    class Meta:\n        model = Alert\n"
        "    def go(self, form):\n        form.save()"
    ),
    "form instance": (
        "class ArticleForm(forms.ModelForm[Article]):\n    def save(self, commit=True):\n        self.instance.save()"
    ),
    "raw SQL": "cursor.execute('UPDATE newsapi_article SET status = %s', ['published'])",
    "raw SQL delete": "cursor.execute(f'DELETE FROM \"notifications_alert\" WHERE id = {pk}')",
}

ALLOWED = {
    "a service call": "def f(article, by):\n    services.article_publish(article=article, by=by)",
    "reading": "def f():\n    return list(Article.objects.filter(status='published').values_list('pk'))",
    "another model rooted in a filter": "def f(alert):\n    Delivery.objects.filter(alert=alert).update(state='sent')",
    "PIL's Image": "from PIL import Image\ndef f(buffer):\n    Image.new('RGB', (1, 1)).save(buffer, format='PNG')",
    "PIL picture annotated": "from PIL import Image\ndef f(picture: Image.Image, buffer):\n    picture.save(buffer)",
    "a set named for ids": "def f(alert_ids, more):\n    alert_ids.update(more)",
    "admin of another model": "class DeviceAdmin(admin.ModelAdmin[Device]):\n    def f(self, obj):\n        obj.save()",
    "form without commit": (
        "class ArticleAdmin(admin.ModelAdmin[Article]):\n    def f(self, form):\n        form.save(commit=False)"
    ),
    "SQL that reads": "cursor.execute('SELECT id FROM newsapi_article')",
    "admin saving through the services": (
        "class ArticleAdmin(SavesThroughServices, admin.ModelAdmin[Article]):\n"
        "    def save_model(self, request, obj, form, change):\n        super().save_model(request, obj, form, change)"
    ),
}


@pytest.mark.parametrize("sample", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_the_write_check_recognises_each_form_of_direct_write(sample):
    """The scan above is not vacuous: each way of writing one of the rows is caught."""
    assert write_offences(MODELS_IMPORT + sample), sample


@pytest.mark.parametrize("sample", ALLOWED.values(), ids=ALLOWED.keys())
def test_the_write_check_lets_reads_service_calls_and_look_alikes_pass(sample):
    assert write_offences(MODELS_IMPORT + sample) == [], sample


def test_an_offence_names_its_function_so_allowed_functions_stay_narrow():
    source = MODELS_IMPORT + "class Article:\n    def refresh(self):\n        Article.objects.update(x=1)\n"

    [offence] = write_offences(source)

    assert (offence.line, offence.scope) == (5, "Article.refresh")
