"""feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html: the student's own notebook, with each exercise's score and diagnosis.

One page, two ways to make it. `nbgrader generate_feedback` makes it from autograded/ when nbgrader_config.py
names FeedbackExporter (c.GenerateFeedback.exporter_class); `autograder grade` makes it right after writing the
gradebook and autograded/, with the same exporter and the same steps: nbgrader's GetGrades (the scores and
comments in the gradebook, manual ones included), nbconvert's CSSHTMLHeaderPreprocessor, then
safe_feedback.HideHiddenTests, always last, and the template templates/student-feedback/.
"""
import copy
from pathlib import Path

from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbgrader.preprocessors import GetGrades
from traitlets.config import Config

from .safe_feedback import HideHiddenTests

TEMPLATES = Path(__file__).parent / "templates"
MEMORY = 4096   # rendered cells an exporter keeps


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTMLExporter with the student-feedback template, whatever HTMLExporter's config says (nbgrader's
    GenerateFeedback puts its own template there), and HideHiddenTests run after every other preprocessor: no
    page it renders holds a hidden test."""

    def __init__(self, config=None, **kwargs):
        config = copy.deepcopy(config) if config is not None else Config()
        config.FeedbackExporter.template_name = "student-feedback"
        config.FeedbackExporter.extra_template_basedirs = [str(TEMPLATES)]
        super().__init__(config=config, **kwargs)
        self._hide = HideHiddenTests(parent=self)
        self._done = {}   # (filter, its input) -> HTML: the course's own cells are the same on every page

    def from_notebook_node(self, nb, resources=None, **kw):
        """HTMLExporter's, less its BeautifulSoup pass over the finished page (two thirds of a page's time): it
        adds alt text to images, which the template gives its own, and tabindex to JupyterLab's cells, which
        it has none of."""
        self.register_filter("highlight_code", self._highlighter(nb))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    def _highlighter(self, nb):
        """nbconvert's highlight_code filter for nb's language, remembered by its input."""
        info = nb.metadata.get("language_info", {})
        highlight = Highlight2HTML(pygments_lexer=info.get("pygments_lexer", info.get("name")), parent=self)

        def remembered(source, language=None, metadata=None):
            key = ("code", source, language or highlight.pygments_lexer, (metadata or {}).get("magics_language"))
            return self._remembered(key, lambda: highlight(source, language, metadata))
        return remembered

    @pass_context
    def markdown2html(self, context, source):
        """HTMLExporter's, remembered for a cell without attachments."""
        if context.get("cell", {}).get("attachments"):
            return HTMLExporter.markdown2html(self, context, source)
        return self._remembered(("markdown", source), lambda: HTMLExporter.markdown2html(self, context, source))

    def _remembered(self, key, make):
        if len(self._done) > MEMORY:   # a long-lived process (a notebook calling grade()) stays small
            self._done.clear()
        if key not in self._done:
            self._done[key] = make()
        return self._done[key]

    def _preprocess(self, nb, resources):
        nb, resources = super()._preprocess(nb, resources)
        return self._hide.preprocess(nb, resources)


class GradesFrom(GetGrades):
    """nbgrader's GetGrades, reading one open gradebook for a whole class, and each notebook's grades and comments
    in one query each (GetGrades opens a gradebook per page, and queries it per cell)."""

    def __init__(self, gradebook, **kwargs):
        super().__init__(**kwargs)
        self.gradebook = gradebook

    def preprocess(self, nb, resources):
        grades = resources["nbgrader"]
        notebook = self.gradebook.find_submission_notebook(grades["notebook"], grades["assignment"], grades["student"])
        self.scores = {g.name: (g.score, g.max_score) for g in notebook.grades}
        self.comments = {c.name: c.comment for c in notebook.comments}
        nb, resources = super(GetGrades, self).preprocess(nb, resources)
        penalty = notebook.late_submission_penalty or 0
        grades.update(score=notebook.score - penalty, max_score=notebook.max_score, late_penalty=penalty)
        return nb, resources

    def _get_score(self, cell, resources):
        cell.metadata.nbgrader["score"], cell.metadata.nbgrader["points"] = self.scores[cell.metadata.nbgrader.grade_id]

    def _get_comment(self, cell, resources):
        cell.metadata.nbgrader["comment"] = self.comments[cell.metadata.nbgrader.grade_id]


class GradesOf(GetGrades):
    """The scores of the Results, as GetGrades would read them from the gradebook once they are in it (for
    the pages written while the gradebook is locked); no comments."""

    def __init__(self, results, **kwargs):
        super().__init__(**kwargs)
        self.results = {(r.student, r.notebook): r for r in results}

    def preprocess(self, nb, resources):
        grades = resources["nbgrader"]
        result = self.results[(grades["student"], grades["notebook"])]
        items = {i.grade_id: i for i in result.items}
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and meta.get("grade_id") in items:
                meta.update(score=items[meta["grade_id"]].score, points=items[meta["grade_id"]].points)
        grades.update(score=result.score - result.late_penalty, max_score=result.max_score,
                      late_penalty=result.late_penalty)
        return nb, resources


_PAGES = []


def pages():
    """This process's one FeedbackExporter, with generate_feedback's preprocessors (its template's conf.json
    brings CSSHTMLHeaderPreprocessor): the template is compiled once."""
    if not _PAGES:
        _PAGES.append(FeedbackExporter(config=Config({"Exporter": {"default_preprocessors": []}})))
    return _PAGES[0]


def render(nb, grades, student, assignment, notebook):
    """The page of one (student, notebook), as HTML text; grades (GradesFrom, GradesOf) in GetGrades' place."""
    resources = {"unique_key": notebook, "nbgrader": {"student": student, "assignment": assignment,
                                                      "notebook": notebook}}
    nb, resources = grades.preprocess(nb, resources)
    return pages().from_notebook_node(nb, resources=resources)[0]


def write(batch, results, grades):
    """The page of each result (with the student's other files, timestamp.txt above all, which release_feedback
    needs); return {(student, notebook): why} for the pages that could not be written (they keep the old)."""
    from .autograded import copy_files
    from .report import write_whole
    failed = {}
    for r in results:
        folder = batch.root / "feedback" / r.student / batch.assignment
        try:
            page = render(notebook(batch, r), grades, r.student, batch.assignment, r.notebook)
            folder.mkdir(parents=True, exist_ok=True)
            copy_files(batch.root / "submitted" / r.student / batch.assignment, folder)
            write_whole(folder / f"{r.notebook}.html", page)
        except Exception as err:  # noqa: BLE001 - one page that cannot be written costs only its pair
            failed[(r.student, r.notebook)] = f"{type(err).__name__}: {err}"
    return failed


def notebook(batch, result):
    """The autograded notebook of result, as autograded/ holds it; for a pair that did not run (a missing or
    invalid notebook), an empty one that says why."""
    import nbformat

    from .autograded import build, stamp
    path = batch.executed.path((result.student, result.notebook))
    if path.is_file():
        return build(nbformat.read(path, as_version=4), batch.sources[result.notebook], result, {})
    nb = nbformat.v4.new_notebook()
    stamp(nb, batch.sources[result.notebook], result)
    return nb
