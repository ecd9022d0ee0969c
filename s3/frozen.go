package s3

import "unsafe"

// frozen returns a string over b's bytes without copying them. The caller
// must never write b again: the string would change. It lets a response
// carry strings (ETag, resource ARN) in the memory of the one allocation
// that holds the response, which matters on the per-request hot path.
func frozen(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// arnInline is the room a response keeps for its object ARN; longer
// ARNs are allocated on their own.
const arnInline = 160

// objectARNIn writes "arn:<partition>:s3:::<bucket>/<key>" into buf when
// it fits (the string then shares buf, which is never written again) and
// allocates it otherwise.
func objectARNIn(buf []byte, partition, bucketName, key string) string {
	n := len("arn:") + len(partition) + len(":s3:::") + len(bucketName) + 1 + len(key)
	if n > len(buf) {
		return objectARN(partition, bucketName, key)
	}
	b := append(buf[:0], "arn:"...)
	b = append(b, partition...)
	b = append(b, ":s3:::"...)
	b = append(b, bucketName...)
	b = append(b, '/')
	b = append(b, key...)
	return frozen(b)
}
