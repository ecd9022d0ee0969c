package s3

// arnChunk is the size of the chunks object ARNs are written into.
const arnChunk = 4 << 10

// objectARNOf returns "arn:<partition>:s3:::<bucket>/<key>" for a
// request whose bucket does not exist (so it has no arnPrefix), written
// as objectARN writes it.
func (s *Service) objectARNOf(partition, bucketName, key string) string {
	return s.objectARN(objectARNPrefix(partition, bucketName), key)
}

// objectARNPrefix is "arn:<partition>:s3:::<bucket>/", the part of an
// object ARN its bucket fixes: a bucket keeps its own (bucket.arnPrefix),
// so a request writes the prefix in one piece.
func objectARNPrefix(partition, bucketName string) string {
	return "arn:" + partition + ":s3:::" + bucketName + "/"
}

// objectARN returns prefix + key, the resource of an object request
// (prefix is its bucket's arnPrefix), written after the last one into the
// service's current ARN chunk. The pipeline and IAM keep a request's ARN
// past the call (the pipeline remembers the last ARN it parsed, an
// AccessDenied quotes it), so its bytes must never change, but it needs
// no allocation of its own: a response would otherwise reserve room for
// the longest ARN, and every request makes one. A chunk is freed when
// none of its ARNs is referenced any more.
func (s *Service) objectARN(prefix, key string) string {
	return s.arns.Concat(arnChunk, prefix, key)
}
