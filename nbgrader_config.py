"""The repo root is an nbgrader course directory: `nbgrader generate_assignment 01-chain-rule` works here."""
c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "backprop"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"      # nbgrader's own output; course/ is built by `autograder build`
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError(\"replace this line with your code\")"}  # same as autograder/build.py STUB
c.Execute.timeout = 120
# generate_feedback shows students their autograded notebook: as nbgrader ships, with the hidden tests (and the
# quiz keys in them) verbatim, and tracebacks that quote them. HideHiddenTests removes both; FeedbackExporter
# runs it on every page in any case, and renders the page `autograder grade` writes: the student's code and
# outputs, each exercise's title, score and diagnosis in place, and the grader's comments.
c.GenerateFeedback.exporter_class = "autograder.grading.feedback.FeedbackExporter"
c.GenerateFeedback.preprocessors = ["nbgrader.preprocessors.GetGrades",
                                    "autograder.grading.safe_feedback.HideHiddenTests",
                                    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor"]
