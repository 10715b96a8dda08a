package safetyculture

// DecodeTwoPass is Decode without its one-pass reading: the fallback for the bodies that pass
// cannot read, here for the differential tests to check it on any body.
var DecodeTwoPass = decodeTwoPass

// DecodeOnePass is Decode's one-pass reading alone; it returns ErrFallback for a body that
// needs two passes.
var DecodeOnePass = decodeOnePass

// ErrFallback is what DecodeOnePass returns for a body that needs two passes.
var ErrFallback = errFallback
