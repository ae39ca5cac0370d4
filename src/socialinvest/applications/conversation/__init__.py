"""The conversation on an application: comments at a visibility level, attachments, @-mentions,
edits kept as history.  Models are registered through ``applications.models``."""
