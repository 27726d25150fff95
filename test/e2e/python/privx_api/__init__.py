from privx_api.exceptions import InternalAPIException
from privx_api.privx_api import PrivXAPI
from privx_api.response import PrivXAPIResponse
