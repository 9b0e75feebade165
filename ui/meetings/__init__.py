"""Village meetings (họp bình xét): the list, the form and their printouts."""
