#
# Exceptions.
#


class InternalAPIException(Exception):
    """
    Internal API exception.
    """
