"""The one approval route: a document is prepared, agreed (согласование) and approved
(утверждение) step by step, the steps being data per document kind."""
