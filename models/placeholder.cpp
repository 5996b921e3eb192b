// The console's models arrive with the operator-console issue; this keeps the library target well-formed until then.
namespace Maskline::Models {
int placeholder()
{
    return 0;
}
} // namespace Maskline::Models
