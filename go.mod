module github.com/inspecthook/inspecthook

go 1.24

require github.com/golang-jwt/jwt/v5 v5.3.1

require (
	github.com/stretchr/testify v1.12.1
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
