"""The citizen's web form (/report/): the public way in, with tracking and the survey."""
