package partootel

import (
	"errors"
	"strconv"

	"github.com/partoo-go/partoo"
)

// errorType returns the error.type of err and the HTTP status of a non-2xx
// answer (0 for other errors): the status code for an API error, the
// error's own ErrorType() when it names one, else [partoo.ErrorKind].
func errorType(err error) (kind string, status int) {
	var apiErr *partoo.APIError
	var typed interface{ ErrorType() string }
	switch kind := partoo.ErrorKind(err); {
	case kind == partoo.KindAPI && errors.As(err, &apiErr):
		return strconv.Itoa(apiErr.StatusCode), apiErr.StatusCode
	case kind == partoo.KindOther && errors.As(err, &typed) && typed.ErrorType() != "":
		return typed.ErrorType(), 0
	default:
		return kind, 0
	}
}
