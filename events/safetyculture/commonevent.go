package safetyculture

import "encoding/json"

// CommonEvent is the payload of the trigger events whose data SafetyCulture does not document:
// attendance (AttendanceSignedOn, AttendanceSignedOff) and training (TrainingCourseCompleted and
// the other Training events). They arrive in the newer format: the common fields, and the data
// exactly as sent.
//
// Resource names the subject when the delivery has one, such as a course; unlike the other
// newer events, a delivery without resource.id is not rejected, since nothing documents that
// these events carry one.
type CommonEvent struct {
	Common

	// Data is the delivery's data object, exactly as sent: any JSON value, null included; nil
	// when the body has no data.
	Data json.RawMessage `json:"data"`
}
