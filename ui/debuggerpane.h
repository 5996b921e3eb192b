#pragma once

#include <QTableView>
#include <QTimer>
#include <QWidget>

#include "consolecontext.h"
#include "storereader.h"

class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QTextBrowser;
class QUrl;
class QSettings;
class QSpinBox;
class QSplitter;

namespace Maskline {

class DebuggerLogFilterModel;
class DebuggerLogModel;

// The log view's live tail: it follows new rows while the user is at the bottom, and holds still (compensating for
// rows evicted at the top) while the user has scrolled up to read.
class DebuggerLogView final : public QTableView
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebuggerLogView)

public:
    explicit DebuggerLogView(QWidget *parent = nullptr);
    void setModel(QAbstractItemModel *model) override;
    bool isFollowing() const { return m_following; }

Q_SIGNALS:
    void followingChanged(bool following);

private:
    void handleScrolled(int value);
    void handleAboutToInsert();
    void handleInserted();
    void handleAboutToRemove(const QModelIndex &parent, int first, int last);
    void handleRemoved();

    bool m_following = true;
    bool m_wasAtBottom = true;
    int m_valueBeforeRemoval = -1;
    int m_removedAbove = 0;
};

// The debugger log: filters by level, code, SID, text and time range; live tail; details with the request and
// response, where every SID and number is a link (with its name beside it) and the request body is decoded;
// double-click a session SID to jump to it; copy; export CSV.
class DebuggerPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebuggerPane)

public:
    explicit DebuggerPane(const ConsoleContext &context, QWidget *parent = nullptr);

    DebuggerLogModel *log() const { return m_log; }
    DebuggerLogFilterModel *filterModel() const { return m_filter; }
    DebuggerLogView *view() const { return m_view; }
    QCheckBox *errorsBox() const { return m_errors; }
    QCheckBox *warningsBox() const { return m_warnings; }
    QSpinBox *codeBox() const { return m_code; }
    QLineEdit *sidEdit() const { return m_sid; }
    QLineEdit *textEdit() const { return m_text; }
    QTextBrowser *detailsView() const { return m_details; }
    QLabel *summary() const { return m_summary; }

    void saveState(QSettings &settings) const;
    void restoreState(QSettings &settings);
    bool exportCsv(const QString &path, QString *error = nullptr) const;
    QString selectedText() const;

public Q_SLOTS:
    void applyFilters();
    void copySelection();
    void exportCsvInteractively();
    void focusFilter();

Q_SIGNALS:
    void sessionRequested(const QString &sessionSid);
    // Links in an event's details.
    void serviceRequested(const QString &serviceSid);
    void participantRequested(const QString &sessionSid, const QString &participantSid);
    void holdersRequested(const QString &serviceSid, const QString &numberSid, const QString &number);
    void identifierRequested(const QString &identifier);

private:
    void handleCurrentChanged();
    void handleDoubleClicked(const QModelIndex &index);
    void handleLink(const QUrl &url);
    void showContextMenu(const QPoint &pos);
    void updateSummary();

    ConsoleContext m_ctx;
    DebuggerLogModel *m_log = nullptr;
    DebuggerLogFilterModel *m_filter = nullptr;
    DebuggerLogView *m_view = nullptr;
    QCheckBox *m_errors = nullptr;
    QCheckBox *m_warnings = nullptr;
    QCheckBox *m_other = nullptr;
    QSpinBox *m_code = nullptr;
    QLineEdit *m_sid = nullptr;
    QLineEdit *m_text = nullptr;
    QCheckBox *m_timed = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
    QTextBrowser *m_details = nullptr;
    ReadTicketPtr m_namesTicket;
    QLabel *m_summary = nullptr;
    QSplitter *m_splitter = nullptr;
    QTimer m_debounce;
};

} // namespace Maskline
