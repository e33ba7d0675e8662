// A face (the command line, the Python module, the web page) reaches the library through its public headers: this
// file includes HEADER with a face's own include path, and tests/CMakeLists.txt expects it to compile for a public
// header (the control) and to fail for another face's or the batch engine's private one.
#include HEADER

int main() {}
