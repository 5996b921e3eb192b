#pragma once

#include <QComboBox>
#include <QLabel>
#include <QPointer>

class QHeaderView;
class QSettings;
class QSplitter;
class QTableView;

namespace Maskline {

class ServiceModel;

// A red (error), amber (warning: done, but not what was asked, e.g. a message dropped) or green (done) line of text
// under a form: engine refusals are shown in words with their code. In a dialog it grows the dialog so that the
// whole text shows.
class MessageBanner final : public QLabel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MessageBanner)

public:
    enum class Kind
    {
        None,
        Info,
        Warning,
        Error,
    };

    explicit MessageBanner(QWidget *parent = nullptr);
    void showError(const QString &text);
    void showWarning(const QString &text);
    void showInfo(const QString &text);
    void clearMessage();
    bool isError() const { return m_kind == Kind::Error; }
    Kind kind() const { return m_kind; }

private:
    void present(Kind kind, const QString &style, const QString &text);

    Kind m_kind = Kind::None;
};

// Picks one of the account's Services (optionally "All services"), kept in step with the shared ServiceModel.
class ServiceCombo final : public QComboBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceCombo)

public:
    explicit ServiceCombo(ServiceModel *services, bool allowAll, QWidget *parent = nullptr);
    QString currentSid() const;
    void setCurrentSid(const QString &sid);

Q_SIGNALS:
    void serviceChanged(const QString &sid);

private:
    void rebuild();
    void handleIndexChanged();

    QPointer<ServiceModel> m_services;
    bool m_allowAll;
    bool m_rebuilding = false;
    QString m_lastSid;
};

// A QTableView set up the way every console table is: rows selected whole, no grid, compact rows, context menu.
QTableView *makeTable(QWidget *parent);
// Header clicks sort the view's model: ascending, descending, then back to the model's natural order (newest first),
// with the sort indicator shown. A column whose headerData(SortableRole) is false keeps the order as it was (its
// tooltip says why). A lazily loaded model pages again in the new order; the current row is selected again once the
// first page has it. The order is not saved with the column layout: a console starts newest first.
void enableSorting(QTableView *view);
// Saves and restores a table's column layout and a splitter's sizes under `key` (QSettings).
void saveViewState(QSettings &settings, const QString &key, QTableView *view);
void restoreViewState(QSettings &settings, const QString &key, QTableView *view);
void saveSplitterState(QSettings &settings, const QString &key, QSplitter *splitter);
void restoreSplitterState(QSettings &settings, const QString &key, QSplitter *splitter);
// The SID of the current row of a view over a console model (SidRole), or empty.
QString currentSid(QTableView *view);

} // namespace Maskline
