// Package assistant holds what every part of the patient-chat triage assistant shares: the error type
// whose code the HTTP layer maps to a status in one place. The domain lives in the sub-packages.
package assistant

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes. Each domain method documents which of them it returns.
const (
	EINVALID      = "invalid"      // the caller's input is wrong; the message names the field
	ENOTFOUND     = "not_found"    // the thing asked for does not exist
	EUNAUTHORIZED = "unauthorized" // no or unknown credentials
	EFORBIDDEN    = "forbidden"    // known credentials, but not allowed to do this
	ECONFLICT     = "conflict"     // the state changed under the caller (someone else claimed it first)
	ETOOLARGE     = "too_large"    // the request body is over its limit
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) cannot be reached; retrying later may work
	EINTERNAL     = "internal"     // a bug or an unexpected failure; details are logged, never shown
)

// Error is a domain error: a code for programs and a message that is safe to show to the caller.
// The message never holds message text, phone numbers or names.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and a formatted, caller-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other error, and ""
// for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-safe message of the first *Error in err's chain, and a generic
// sentence for any other error, so that internals never reach users.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "internal error"
}

// HTTPStatus is the one mapping of error codes to HTTP statuses, for every handler of the service.
func HTTPStatus(err error) int {
	switch ErrorCode(err) {
	case "":
		return http.StatusOK
	case EINVALID:
		return http.StatusBadRequest
	case ENOTFOUND:
		return http.StatusNotFound
	case EUNAUTHORIZED:
		return http.StatusUnauthorized
	case EFORBIDDEN:
		return http.StatusForbidden
	case ECONFLICT:
		return http.StatusConflict
	case ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
